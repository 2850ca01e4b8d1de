// engine why <process>: the chain behind a process's last state changes,
// newest first, read from the journal file (an engine need not run):
//   14:03:07 api restarted ← reaction #1 ← file:code:change src/app.py
// Every state change names the event that caused it (cause) and why
// (reason); this follows the causes back to the file save, limit, probe,
// reload or person that started it.
import type { Command } from 'commander';
import { errors } from '../errors.js';
import { clientAction } from './engine-client.js';
import { exitCodes } from './output.js';
import type { JournalEvent, JournalReader } from '../journal/journal.js';
import { reactionLabel, summarize } from '../events/cause.js';

/** How far back a chain is followed: a cause of a cause of … ten is plenty, and a cycle cannot spin. */
const MAX_LINKS = 10;
/** State events read to find the last changes. */
const STATE_EVENTS = 500;

/** One state change (the state events one cause led to) and the chain behind it. */
export interface Change {
  at: number;
  process: string;
  /** restarted, started, stopped, exited (code 1), fatal, waiting for db: healthy, … */
  change: string;
  /** The states it went through, oldest first. */
  states: string[];
  reason: string | null;
  /** The events behind it, nearest first. */
  chain: { id: string; name: string; at: number; summary: string }[];
}

export function registerWhy(program: Command): void {
  program
    .command('why')
    .summary("say why a process changed state: the chain of causes behind its last changes, newest first")
    .argument('<process>', 'the process to explain; a replicated one by its name (api) explains every copy')
    .option('-n, --limit <n>', 'how many state changes to explain', '5')
    .option('--json', 'print [{at, process, change, states, reason, chain}] for scripts')
    .addHelpText('after', `
Reads the journal (.pit/journal.db), so it works with no engine running.
Exit codes: 0 shown, 1 no journal or no state change of that process in it, 2 bad usage.

Examples:
  engine why api          # 14:03:07 api restarted ← reaction #1 ← file:code:change src/app.py
  engine why api -n 20
  engine why api.2        # one copy of a process with replicas: 3
  engine why api --json | jq '.[0].chain'`)
    .action(
      clientAction(async ({ stateDir }, name: string, opts: { limit: string; json?: boolean }) => {
        const limit = Number(opts.limit);
        if (!Number.isInteger(limit) || limit < 1) throw errors.PIT_E_CLI_USAGE(`--limit must be a whole number from 1, got "${opts.limit}"`);
        const { Journal, journalFile } = await import('../journal/journal.js');
        const changes = Journal.readWith(stateDir, (r) => explain(r, name, limit));
        if (changes === null) throw errors.PIT_E_JOURNAL_MISSING(journalFile(stateDir));
        if (opts.json) process.stdout.write(JSON.stringify(changes, null, 2) + '\n');
        else if (!changes.length) process.stderr.write(`no state change of ${name} in the journal\n`);
        else process.stdout.write(changes.map(formatChange).join('\n') + '\n');
        return changes.length ? exitCodes.ok : exitCodes.failed;
      }),
    );
}

/**
 * The last `limit` state changes of `process`, newest first, each with its
 * chain of causes. A replica group's name (api, run as api.1, api.2, …)
 * explains every copy's changes, newest first.
 */
export function explain(r: JournalReader, process: string, limit: number): Change[] {
  const own = r.query({ type: `process:${process}:state`, limit: STATE_EVENTS });
  if (own.length) return changesOf(r, process, own, limit);
  const copy = new RegExp(`^${process.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')}\\.[1-9][0-9]*$`);
  const byCopy = new Map<string, JournalEvent[]>();
  for (const e of r.query({ type: 'process:*:state', limit: STATE_EVENTS * 4 })) {
    const name = String(e.subject);
    if (copy.test(name)) byCopy.set(name, [...(byCopy.get(name) ?? []), e]);
  }
  return [...byCopy]
    .flatMap(([name, events]) => changesOf(r, name, events, limit))
    .sort((a, b) => b.at - a.at)
    .slice(0, limit);
}

/** The last `limit` changes of one process from its state events (oldest first). */
function changesOf(r: JournalReader, process: string, oldestFirst: JournalEvent[], limit: number): Change[] {
  const states = [...oldestFirst].reverse();
  const groups: JournalEvent[][] = [];
  for (const e of states) {
    const last = groups.at(-1);
    if (last && sameCause(last[0], e)) last.push(e);
    else if (groups.length < limit) groups.push([e]);
    else break;
  }
  return groups.map((g) => describeChange(r, process, g.reverse()));
}

/** Whether two state events came from one cause (a restart's stopping, stopped, starting, running). */
function sameCause(a: JournalEvent, b: JournalEvent): boolean {
  if (a.cause || b.cause) return a.cause === b.cause;
  // A start-up's starting and running say nothing more than their states.
  if (!a.reason && !b.reason) return true;
  // A person's verb or the engine's stop has no event behind it: its words tie its changes together.
  return typeof a.reason === 'string' && a.reason !== '' && a.reason === b.reason && !a.reason.startsWith('waiting for');
}

function describeChange(r: JournalReader, process: string, events: JournalEvent[]): Change {
  const states = events.map((e) => String(e.to));
  const chain: Change['chain'] = [];
  const seen = new Set<string>();
  let next = events[0].cause as string | undefined;
  while (next && chain.length < MAX_LINKS && !seen.has(next)) {
    seen.add(next);
    const e = r.byId(next);
    if (!e) break;
    chain.push({ id: next, name: e.name, at: e.at, summary: linkLabel(e) });
    next = e.cause as string | undefined;
  }
  const reason = events.map((e) => e.reason).find((x): x is string => typeof x === 'string' && x !== '') ?? null;
  return { at: events[0].at, process, change: changeLabel(events), states, reason, chain };
}

/** What the state events add up to, as a person says it. */
function changeLabel(events: JournalEvent[]): string {
  const to = new Set(events.map((e) => e.to));
  const last = events.at(-1)!;
  const wentDown = to.has('stopping') || to.has('exited') || to.has('backoff');
  if (to.has('starting') && wentDown) return 'restarted';
  if (to.has('starting')) return 'started';
  if (last.to === 'waiting') return typeof last.reason === 'string' ? last.reason : 'waiting';
  if (last.to === 'exited' || last.to === 'fatal') {
    const code = last.signal ? String(last.signal) : last.exit_code !== null && last.exit_code !== undefined ? `code ${last.exit_code}` : '';
    return code ? `${last.to} (${code})` : String(last.to);
  }
  if (to.has('stopping') || last.to === 'stopped') return 'stopped';
  return String(last.to);
}

/** One link of a chain: "reaction #1", "file:code:change src/app.py", "process:api:limit memory 354 MiB > 200 MiB for 10 s". */
function linkLabel(e: JournalEvent): string {
  if (e.type === 'reaction:run' && typeof e.reaction === 'string') return reactionLabel(e.reaction);
  if (e.type === 'file:change' && Array.isArray(e.paths)) return `${e.name} ${(e.paths as string[]).join(' ')}`;
  if (e.type === 'process:exit') return `${e.name} (${e.signal ? `killed by ${e.signal}` : `exited with code ${e.exit_code}`})`;
  const summary = summarize(e);
  return summary === e.name ? e.name : `${e.name} ${summary}`;
}

/** "14:03:07 api restarted ← reaction #1 ← file:code:change src/app.py" */
export function formatChange(c: Change): string {
  const time = new Date(c.at).toTimeString().slice(0, 8);
  // The reason names what the events cannot: the person and the verb, the pitfile keys a reload changed.
  const direct = c.chain[0];
  const showReason = c.reason && c.reason !== c.change && (!direct || direct.name.startsWith('config:'));
  const links = [...(showReason ? [c.reason!] : []), ...c.chain.map((l) => l.summary)];
  return [`${time} ${c.process} ${c.change}`, ...links].join(' ← ');
}
