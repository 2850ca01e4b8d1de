// engine logs: the last lines of one, several or all processes, merged in
// time order and prefixed like `engine run`; -f keeps following. With no
// engine running it reads the log files in .pit/logs/ itself (and -f
// follows them): the output of a crash is what one wants to read after it.
import type { Command } from 'commander';
import type { LogLine } from '../logs/log-reader.js';
import type { StreamTag } from '../logs/log-file.js';
import type { ControlClient } from '../control/client.js';
import { PitError, displayPath, errors } from '../errors.js';
import { clientAction } from './engine-client.js';
import { exitCodes } from './output.js';

interface LogsOptions {
  follow?: boolean;
  lines: string;
  since?: string;
  stderr?: boolean;
  timestamps?: boolean;
}

/** What to show, checked once for both the engine and the files. */
interface Wanted {
  names: string[];
  count: number;
  sinceMs?: number;
  stream?: StreamTag;
  follow: boolean;
  /** How to print lines of `names` (the prefixes are as wide as the longest). */
  printer(names: string[]): (line: LogLine) => void;
}

export function registerLogs(program: Command): void {
  program
    .command('logs')
    .summary('print the output of processes, merged and prefixed like engine run; with no engine, from .pit/logs/')
    .argument('[name...]', 'only these processes (default: all)')
    .option('-f, --follow', 'keep printing new lines until Ctrl-C')
    .option('-n, --lines <n>', 'how many lines to show first', '100')
    .option('--since <duration>', 'only lines from this long ago, e.g. 10m, 2h')
    .option('--stderr', 'only what the processes wrote to stderr')
    .option('-t, --timestamps', 'show when each line was written (local time, e.g. 2026-12-03 14:03:07.123)')
    .addHelpText('after', `
With no engine running, the log files in .pit/logs/ are read (and -f follows
them); a line on stderr says so.

Exit codes: 0 done, 1 failed, 2 bad usage, 3 no engine running and no logs.

Examples:
  engine logs                  # the last 100 lines of every process
  engine logs api -f           # follow one process
  engine logs api worker -n 20 --since 10m
  engine logs --stderr -t      # only stderr, each line with its time`)
    .action(
      clientAction(async ({ client, stateDir, pitfile }, names: string[], opts: LogsOptions) => {
        const wanted = await checkOptions(names, opts);
        try {
          return await fromEngine(client, wanted);
        } catch (e) {
          if (!(e instanceof PitError && e.code === 'PIT_E_CONTROL_NO_ENGINE')) throw e;
          const { existsSync } = await import('node:fs');
          const { stateDirPaths } = await import('../state-dir.js');
          if (!existsSync(stateDirPaths(stateDir).logs)) throw e;
          return fromFiles(stateDir, pitfile ? Object.keys(pitfile.processes) : [], wanted);
        }
      }),
    );
}

async function checkOptions(names: string[], opts: LogsOptions): Promise<Wanted> {
  const { parseDuration } = await import('../model/units.js');
  const { Terminal } = await import('./terminal.js');
  const { formatTime } = await import('./time-format.js');
  const count = Number(opts.lines);
  if (!Number.isInteger(count) || count < 0) throw errors.PIT_E_CLI_USAGE(`--lines must be a whole number, got "${opts.lines}"`);
  const sinceMs = opts.since === undefined ? undefined : parseDuration(opts.since);
  if (sinceMs === null) throw errors.PIT_E_CLI_USAGE(`--since takes a duration such as 10m or 2h, got "${opts.since}"`);
  const stamp = (l: LogLine) => (opts.timestamps ? `${formatTime(l.at)} ` : '');
  return {
    names,
    count,
    sinceMs: sinceMs === undefined ? undefined : Date.now() - sinceMs,
    stream: opts.stderr ? 'err' : undefined,
    follow: Boolean(opts.follow),
    printer: (shown) => {
      const terminal = new Terminal(shown);
      return (l) => terminal.lines(l.process, l.stream, [Buffer.from(`${stamp(l)}${l.line}\n`)]);
    },
  };
}

async function fromEngine(client: ControlClient, w: Wanted): Promise<number> {
  const print = w.printer(w.names);
  const query = new URLSearchParams(w.names.map((n) => ['process', n]));
  query.set('lines', String(w.count));
  if (w.sinceMs !== undefined) query.set('since', String(w.sinceMs));
  if (w.stream) query.set('stream', w.stream);
  if (!w.follow) {
    const { lines } = await client.call<{ lines: LogLine[] }>('GET', `/v1/logs?${query}`);
    lines.forEach(print);
    return exitCodes.ok;
  }
  query.set('follow', '1');
  await client.follow(`/v1/logs?${query}`, (event, data) => {
    if (event === 'line') print(data as LogLine);
    else if (event === 'dropped') process.stderr.write(`${(data as { count: number }).count} lines dropped: this terminal did not keep up\n`);
  });
  return exitCodes.ok;
}

/** No engine: the files themselves, for the pitfile's processes and any other log found there. */
async function fromFiles(stateDir: string, configured: string[], w: Wanted): Promise<number> {
  const { readdirSync } = await import('node:fs');
  const { logPath, stateDirPaths } = await import('../state-dir.js');
  const { readLogs } = await import('../logs/log-reader.js');
  const dir = stateDirPaths(stateDir).logs;
  // Reactions' run logs (reaction-<id>.log) are not process output.
  const onDisk = readdirSync(dir).flatMap((f) => (/^(?!reaction-)(.+)\.log$/.exec(f)?.slice(1, 2) ?? []));
  const known = [...new Set([...configured, ...onDisk])].sort();
  // A process with replicas (api) means the logs of all of them (api.1, api.2, …).
  const meant = (n: string) => (known.includes(n) ? [n] : known.filter((k) => k.startsWith(`${n}.`) && /^[0-9]+$/.test(k.slice(n.length + 1))));
  for (const n of w.names) if (!meant(n).length) throw errors.PIT_E_LOG_NONE(n, displayPath(dir), known.join(', ') || '(none)');
  const names = w.names.length ? [...new Set(w.names.flatMap(meant))] : known;
  const print = w.printer(names);
  process.stderr.write(`no engine is running: reading the log files in ${displayPath(dir)}${w.follow ? ' and following them (Ctrl-C to stop)' : ''}\n`);
  readLogs(stateDir, names, { count: w.count, sinceMs: w.sinceMs, stream: w.stream }).forEach(print);
  if (!w.follow) return exitCodes.ok;
  const { followLogFiles } = await import('../logs/log-follower.js');
  const follower = followLogFiles(names.map((name) => ({ name, path: logPath(stateDir, name) })), print, { stream: w.stream });
  await new Promise<void>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
  });
  follower.stop();
  return exitCodes.ok;
}
