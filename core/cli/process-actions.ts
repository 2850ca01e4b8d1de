// engine start | stop | restart <name…|all>: act through the running engine,
// print one line per process.
import type { Command } from 'commander';
import { clientAction } from './engine-client.js';
import { exitCodes } from './output.js';
import type { ActionResult } from '../control/action-result.js';


const verbs = {
  start: 'start processes in dependency order, each once its depends_on holds (a start also forgives a spent restart budget); one engine run left out brings what it needs that was left out too',
  stop: 'stop processes and their whole process groups, dependents first',
  restart: 'restart processes: stop them dependents first, then start them in dependency order',
} as const;

export function registerProcessActions(program: Command): void {
  for (const [verb, summary] of Object.entries(verbs) as [keyof typeof verbs, string][]) {
    const cmd = program
      .command(verb)
      .summary(summary)
      .argument('<name...>', 'process names, or "all"; a process with replicas means all of them (api), or one (api.2)');
    if (verb === 'restart') cmd.option('--rolling', 'replicas one at a time, each healthy (or running, without a health check) before the next');
    cmd
      .addHelpText('after', `
Exit codes: 0 done, 1 some failed, 3 no engine running.

Examples:
  engine ${verb} api
  engine ${verb} api worker    # several, in dependency order
  engine ${verb} all${verb === 'restart' ? `
  engine restart api --rolling # replicas api.1, api.2, … one at a time` : ''}`)
      .action(
        clientAction(async ({ client }, names: string[], opts: { rolling?: boolean }) => {
          const body = opts.rolling ? { names, via: 'cli', rolling: true } : { names, via: 'cli' };
          const { results } = await client.call<{ results: ActionResult[] }>('POST', `/v1/processes/${verb}`, body);
          for (const r of results) {
            const where = r.pid ? ` (pid ${r.pid})` : '';
            process.stdout.write(r.ok ? `${r.name}: ${r.state}${where}\n` : `${r.name}: ${verb} failed: ${r.error}\n`);
          }
          return results.every((r) => r.ok) ? exitCodes.ok : exitCodes.failed;
        }),
      );
  }
}
