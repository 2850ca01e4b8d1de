// engine shutdown: stop every process and the engine, as Ctrl-C would.
import type { Command } from 'commander';
import { clientAction } from './engine-client.js';
import { exitCodes } from './output.js';

export function registerShutdown(program: Command): void {
  program
    .command('shutdown')
    .summary('stop every process and the engine (waits until it has stopped)')
    .addHelpText('after', `
Exit codes: 0 stopped, 3 no engine running.

Example:
  engine shutdown`)
    .action(
      clientAction(async ({ client }) => {
        const { isPidAlive } = await import('../process/proc-stat.js');
        const { pid } = await client.call<{ pid: number }>('GET', '/v1/engine');
        await client.call('POST', '/v1/shutdown');
        // The engine answers first, then stops its processes: wait for it to be gone.
        while (isPidAlive(pid)) await new Promise((r) => setTimeout(r, 50));
        process.stdout.write(`engine (pid ${pid}) stopped\n`);
        return exitCodes.ok;
      }),
    );
}
