// engine dashboard: the address to open for the running engine's dashboard,
// with its token, for an engine started in the background (--daemon, a
// service) or whose first lines scrolled away. The token comes from the
// state dir, a file only its user can read; the API never sends it.
import type { Command } from 'commander';
import { errors } from '../errors.js';
import { clientAction } from './engine-client.js';
import { exitCodes } from './output.js';

export function registerDashboard(program: Command): void {
  program
    .command('dashboard')
    .summary("print the running engine's dashboard address, with its token")
    .addHelpText('after', `
The address ends in #token=…: whoever has it can act on the engine. The
token is read from .pit/dashboard.token, which only you can read.
Exit codes: 0 printed, 1 the engine runs without a dashboard (or the token file is not private), 3 no engine running.

Examples:
  engine dashboard        # http://127.0.0.1:7411/#token=3f9c…
  engine run --daemon --dashboard && engine dashboard`)
    .action(
      clientAction(async ({ client, stateDir }) => {
        const { pid, dashboard } = await client.call<{ pid: number; dashboard: string | null }>('GET', '/v1/engine');
        if (!dashboard) throw errors.PIT_E_DASHBOARD_OFF(pid);
        const { keptDashboardToken, tokenFile } = await import('../dashboard/token.js');
        const token = keptDashboardToken(stateDir);
        // A token file someone else could read or write is not the engine's secret any more: not printed.
        if (!token) throw errors.PIT_E_DASHBOARD_TOKEN_FILE(tokenFile(stateDir));
        process.stdout.write(`${dashboard}#token=${token}\n`);
        return exitCodes.ok;
      }),
    );
}
