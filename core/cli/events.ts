// engine events: the engine's journal of events, filtered by type; -f
// follows new ones as they happen. With no engine running it reads the
// journal file itself: what happened before a crash is the point. Output
// lines and periodic samples are left out unless asked (--all, or a
// pattern that names them): they would bury what happened.
import type { Command } from 'commander';
import { PitError, errors } from '../errors.js';
import { describeEvent } from '../events/describe.js';
import { asksForChatter, isChatter } from '../events/quiet.js';
import { clientAction } from './engine-client.js';
import { exitCodes } from './output.js';
import { formatTime, formatTimeIso } from './time-format.js';

interface WireEvent {
  name: string;
  at: number;
  [key: string]: unknown;
}

export function registerEvents(program: Command): void {
  program
    .command('events')
    .summary('print the event journal (state changes, exits, reloads, installs, ...); -f follows')
    .option('-f, --follow', 'keep printing new events until Ctrl-C')
    .option('-t, --type <pattern>', 'only events matching this pattern, * per segment', '*:*')
    .option('-n, --limit <n>', 'how many past events to show', '50')
    .option('--since <duration>', 'only events from this long ago, e.g. 10m, 2h')
    .option('-a, --all', 'also output lines and periodic samples (process:*:stats)')
    .option('--json', 'one JSON object per line')
    .addHelpText('after', `
Exit codes: 0 done, 1 failed, 2 bad usage, 3 no engine running (and no journal; -f needs an engine).

Examples:
  engine events                          # the last 50 events
  engine events --type 'process:*:exit' --since 1h
  engine events -f --type 'process:api'  # what happens to api, live
  engine events --type 'process:*:stats' # CPU and memory samples (kept with settings.journal.stats)
  engine events -f --all                 # everything, output lines too`)
    .action(
      clientAction(async ({ client, stateDir }, opts: { follow?: boolean; type: string; limit: string; since?: string; all?: boolean; json?: boolean }) => {
        const { parseDuration } = await import('../model/units.js');
        const limit = Number(opts.limit);
        if (!Number.isInteger(limit) || limit < 0) throw errors.PIT_E_CLI_USAGE(`--limit must be a whole number, got "${opts.limit}"`);
        const sinceMs = opts.since === undefined ? undefined : parseDuration(opts.since);
        if (sinceMs === null) throw errors.PIT_E_CLI_USAGE(`--since takes a duration such as 10m or 2h, got "${opts.since}"`);
        const quiet = !opts.all && !asksForChatter(opts.type);
        const print = (e: WireEvent) => {
          if (quiet && isChatter(e.name)) return;
          process.stdout.write((opts.json ? JSON.stringify({ ...e, at: formatTimeIso(e.at) }) : formatEvent(e)) + '\n');
        };
        const query = new URLSearchParams({ type: opts.type, limit: String(limit), ...(quiet ? { quiet: '1' } : {}) });
        if (sinceMs !== undefined) query.set('since', String(Date.now() - sinceMs));
        let events: WireEvent[];
        try {
          ({ events } = await client.call<{ events: WireEvent[] }>('GET', `/v1/events?${query}`));
        } catch (e) {
          // Following needs an engine: no engine is the answer, whatever the journal file says.
          if (!(e instanceof PitError && e.code === 'PIT_E_CONTROL_NO_ENGINE') || opts.follow) throw e;
          const { Journal } = await import('../journal/journal.js');
          const stored = Journal.read(stateDir, { type: opts.type, limit, quiet, since: sinceMs === undefined ? undefined : Date.now() - sinceMs });
          if (!stored) throw e;
          stored.forEach(print);
          return exitCodes.ok;
        }
        events.forEach(print);
        // The stream sends output lines only to a pattern that names them; with --all, follow those too.
        if (opts.follow && opts.all && !asksForChatter(opts.type)) {
          const [kind = '*', subject = '*'] = opts.type.split(':');
          if (kind === '*' || kind === 'process') {
            for (const stream of ['stdout', 'stderr']) void client.follow(`/v1/events/stream?${new URLSearchParams({ type: `process:${subject}:${stream}` })}`, (_, data) => print(data as WireEvent)).catch(() => {});
          }
        }
        if (opts.follow) await client.follow(`/v1/events/stream?${new URLSearchParams({ type: opts.type })}`, (_, data) => print(data as WireEvent));
        return exitCodes.ok;
      }),
    );
}

/** "2026-11-24 15:01:02.123 process:api:exit pid=812 exit_code=1 uptime 5.0 s" (local time) */
export function formatEvent(e: WireEvent): string {
  const fields = describeEvent(e);
  return [formatTime(e.at), e.name, ...(fields ? [fields] : [])].join(' ');
}
