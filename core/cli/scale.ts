// engine scale <name> <count>: run that many replicas of a process with
// replicas, through the running engine; the pitfile is not edited.
import type { Command } from 'commander';
import { clientAction } from './engine-client.js';
import { exitCodes } from './output.js';

export function registerScale(program: Command): void {
  program
    .command('scale')
    .summary('run this many replicas of a process with replicas (until the pitfile changes its replicas)')
    .argument('<name>', 'a process with replicas: in the pitfile')
    .argument('<count>', 'replicas to run, 1 to 64')
    .addHelpText('after', `
Scaling up starts api.4, api.5, …; scaling down stops the highest-numbered
replicas. The others keep running. The count holds until a reload changes
replicas of that process in the pitfile; engine status shows both.

Exit codes: 0 done, 1 failed, 2 bad usage, 3 no engine running.

Examples:
  engine scale api 5           # api.4 and api.5 start
  engine scale api 2           # api.5, api.4 and api.3 stop`)
    .action(
      clientAction(async ({ client }, name: string, count: string) => {
        if (!/^[0-9]+$/.test(count)) {
          const { errors } = await import('../errors.js');
          throw errors.PIT_E_CLI_USAGE(`count is a whole number, got "${count}"; e.g. engine scale ${name} 3`);
        }
        const r = await client.call<{ name: string; replicas: number; pitfile: number; started: string[]; stopped: string[] }>('POST', '/v1/scale', { name, replicas: Number(count), via: 'cli' });
        const changes = [...r.started.map((n) => `+${n}`), ...r.stopped.map((n) => `-${n}`)];
        const note = r.replicas === r.pitfile ? '' : ` (the pitfile says ${r.pitfile})`;
        process.stdout.write(`${r.name}: ${r.replicas} replica${r.replicas === 1 ? '' : 's'}${note}${changes.length ? `: ${changes.join(' ')}` : ', unchanged'}\n`);
        return exitCodes.ok;
      }),
    );
}
