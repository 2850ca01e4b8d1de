// engine logs: the last lines of one, several or all processes, merged in
// time order and prefixed like `engine run`; -f keeps following.
import type { Command } from 'commander';
import type { LogLine } from '../logs/log-reader.js';
import { errors } from '../errors.js';
import { clientAction } from './engine-client.js';
import { exitCodes } from './output.js';

export function registerLogs(program: Command): void {
  program
    .command('logs')
    .summary('print the output of processes, merged and prefixed like engine run')
    .argument('[name...]', 'only these processes (default: all)')
    .option('-f, --follow', 'keep printing new lines until Ctrl-C')
    .option('-n, --lines <n>', 'how many lines to show first', '100')
    .option('--since <duration>', 'only lines from this long ago, e.g. 10m, 2h')
    .addHelpText('after', `
Exit codes: 0 done, 1 failed, 2 bad usage, 3 no engine running.

Examples:
  engine logs                  # the last 100 lines of every process
  engine logs api -f           # follow one process
  engine logs api worker -n 20 --since 10m`)
    .action(
      clientAction(async ({ client }, names: string[], opts: { follow?: boolean; lines: string; since?: string }) => {
        const { parseDuration } = await import('../model/units.js');
        const { Terminal } = await import('./terminal.js');
        const count = Number(opts.lines);
        if (!Number.isInteger(count) || count < 0) throw errors.PIT_E_CLI_USAGE(`--lines must be a whole number, got "${opts.lines}"`);
        const sinceMs = opts.since === undefined ? undefined : parseDuration(opts.since);
        if (sinceMs === null) throw errors.PIT_E_CLI_USAGE(`--since takes a duration such as 10m or 2h, got "${opts.since}"`);
        const query = new URLSearchParams(names.map((n) => ['process', n]));
        query.set('lines', String(count));
        if (sinceMs !== undefined) query.set('since', String(Date.now() - sinceMs));
        const terminal = new Terminal(names.length ? names : []);
        const print = (l: LogLine) => terminal.lines(l.process, l.stream, [Buffer.from(`${l.line}\n`)]);
        if (!opts.follow) {
          const { lines } = await client.call<{ lines: LogLine[] }>('GET', `/v1/logs?${query}`);
          lines.forEach(print);
          return exitCodes.ok;
        }
        query.set('follow', '1');
        await client.follow(`/v1/logs?${query}`, (event, data) => {
          if (event === 'line') print(data as LogLine);
          else if (event === 'dropped') terminal.note(`${(data as { count: number }).count} lines dropped: this terminal did not keep up`);
        });
        return exitCodes.ok;
      }),
    );
}
