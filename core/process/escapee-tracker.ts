// The engine's escapee tracker: every run it supervises, looked at
// together, so a hundred runs cost one pass over /proc a look. A look
// happens soon after a spawn, at a leader's exit, right before each stop
// signal, and every TRACK_INTERVAL_MS; processes that belong to no run when
// first seen are not read again (a family is decided at birth).
import { readProcStat, type ProcStat } from './proc-stat.js';
import { assignFamilies, escapeesIn, isEscapeeAlive, listPids, readRunMarker, type Escapee, type Family } from './descendants.js';

/** A run the tracker follows; `escapees` looks again (soon) and lists them. */
export interface TrackedRun {
  escapees(opts?: { withinMs?: number }): Promise<Escapee[]>;
  /** The escapees known now, without looking (the second Ctrl-C). */
  known(): Escapee[];
  untrack(): void;
}

/** How often the tracker looks while runs are tracked (the process-monitor's default interval). */
export const TRACK_INTERVAL_MS = 5000;

interface Tracked extends Family {
  onChange: (escaped: Escapee[]) => void;
}

const runs = new Map<number, Tracked>();
// Processes that belong to no run when first seen never will (a family is
// decided at birth): their /proc/<pid>/stat and environ are read once.
const strangers = new Set<number>();
let members = new Set<number>();
let tick: NodeJS.Timeout | null = null;
let pending: { at: number; timer: NodeJS.Timeout; done: Promise<void> } | null = null;
let settle: (() => void) | null = null;

/** Follow the run led by `pgid`; `onChange` hears each new set of escapees (for its pid record). */
export function trackRun(pgid: number, token: string, since: number, onChange: (escaped: Escapee[]) => void): TrackedRun {
  const run: Tracked = { pgid, token, since, escaped: [], onChange };
  runs.set(pgid, run);
  tick ??= setInterval(() => void refresh(0), TRACK_INTERVAL_MS).unref();
  // A look soon after the spawn, shared by every spawn of that second, catches an early setsid().
  void refresh(1000);
  return {
    escapees: async (opts) => {
      await refresh(opts?.withinMs ?? 0);
      return run.escaped;
    },
    known: () => run.escaped,
    untrack: () => {
      if (runs.get(pgid) === run) runs.delete(pgid);
      if (runs.size === 0 && tick) {
        clearInterval(tick);
        tick = null;
      }
    },
  };
}

/**
 * Look again within `withinMs` (0: on the next turn). Callers in the same
 * window share one look: a hundred stops cost one pass over /proc.
 */
function refresh(withinMs: number): Promise<void> {
  const at = Date.now() + withinMs;
  if (pending && pending.at <= at) return pending.done;
  if (pending) clearTimeout(pending.timer); // the same promise, answered sooner
  const done = pending?.done ?? new Promise<void>((r) => (settle = r));
  const timer = setTimeout(() => {
    pending = null;
    const answer = settle;
    settle = null;
    try {
      look();
    } catch {
      // /proc unreadable for a moment: the known escapees stand, the next look retries.
    }
    answer?.();
  }, withinMs);
  pending = { at, timer, done };
  return done;
}

function look(): void {
  if (!runs.size) return;
  const seen = new Map<number, ProcStat>();
  const pids = listPids();
  const live = new Set(pids);
  for (const pid of strangers) if (!live.has(pid)) strangers.delete(pid);
  for (const pid of pids) {
    if (strangers.has(pid)) continue;
    const st = readProcStat(pid);
    if (st) seen.set(pid, st);
  }
  const families = [...runs.values()];
  // Markers are read only from processes seen for the first time.
  const of = assignFamilies(seen.values(), families, (pid) => (members.has(pid) ? null : readRunMarker(pid)));
  for (const pid of seen.keys()) if (!of.has(pid)) strangers.add(pid);
  members = new Set(of.keys());
  for (const run of families) {
    const escaped = escapeesIn(of, run, seen);
    // Known escapees are dropped only once gone, not when a look misses them.
    const next = [...escaped, ...run.escaped.filter((e) => !escaped.some((x) => x.pid === e.pid) && isEscapeeAlive(e))];
    if (!sameSet(next, run.escaped)) {
      run.escaped = next;
      run.onChange(next);
    }
  }
}

function sameSet(a: Escapee[], b: Escapee[]): boolean {
  return a.length === b.length && a.every((x) => b.some((y) => y.pid === x.pid && y.startTime === x.startTime));
}
