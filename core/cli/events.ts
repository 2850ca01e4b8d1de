// engine events: the engine's journal of events, filtered by type; -f
// follows new ones as they happen. With no engine running it reads the
// journal file itself: what happened before a crash is the point.
import type { Command } from 'commander';
import { PitError, errors } from '../errors.js';
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
    .option('--json', 'one JSON object per line')
    .addHelpText('after', `
Exit codes: 0 done, 1 failed, 2 bad usage, 3 no engine running (and no journal; -f needs an engine).

Examples:
  engine events                          # the last 50 events
  engine events --type 'process:*:exit' --since 1h
  engine events -f --type 'process:api'  # everything about api, live`)
    .action(
      clientAction(async ({ client, stateDir }, opts: { follow?: boolean; type: string; limit: string; since?: string; json?: boolean }) => {
        const { parseDuration } = await import('../model/units.js');
        const limit = Number(opts.limit);
        if (!Number.isInteger(limit) || limit < 0) throw errors.PIT_E_CLI_USAGE(`--limit must be a whole number, got "${opts.limit}"`);
        const sinceMs = opts.since === undefined ? undefined : parseDuration(opts.since);
        if (sinceMs === null) throw errors.PIT_E_CLI_USAGE(`--since takes a duration such as 10m or 2h, got "${opts.since}"`);
        const print = (e: WireEvent) => process.stdout.write((opts.json ? JSON.stringify({ ...e, at: formatTimeIso(e.at) }) : formatEvent(e)) + '\n');
        const query = new URLSearchParams({ type: opts.type, limit: String(limit) });
        if (sinceMs !== undefined) query.set('since', String(Date.now() - sinceMs));
        let events: WireEvent[];
        try {
          ({ events } = await client.call<{ events: WireEvent[] }>('GET', `/v1/events?${query}`));
        } catch (e) {
          if (!(e instanceof PitError && e.code === 'PIT_E_CONTROL_NO_ENGINE')) throw e;
          const { Journal } = await import('../journal/journal.js');
          const stored = Journal.read(stateDir, { type: opts.type, limit, since: sinceMs === undefined ? undefined : Date.now() - sinceMs });
          if (!stored || opts.follow) throw e;
          stored.forEach(print);
          return exitCodes.ok;
        }
        events.forEach(print);
        if (opts.follow) await client.follow(`/v1/events/stream?${new URLSearchParams({ type: opts.type })}`, (_, data) => print(data as WireEvent));
        return exitCodes.ok;
      }),
    );
}

/** "2026-11-24 15:01:02.123 process:api:exit exit_code=1 signal=null uptime_ms=5012" (local time) */
export function formatEvent(e: WireEvent): string {
  const skip = new Set(['name', 'type', 'subject', 'at', 'process']);
  const fields = Object.entries(e.type === 'custom:event' && e.data && typeof e.data === 'object' ? (e.data as Record<string, unknown>) : e)
    .filter(([k]) => !skip.has(k))
    .map(([k, v]) => `${k}=${typeof v === 'string' ? (/[\s"=]/.test(v) || v === '' ? JSON.stringify(v) : v) : JSON.stringify(v)}`);
  return [formatTime(e.at), e.name, ...fields].join(' ');
}
