// The engine's escapee tracker: every run it supervises, looked at
// together, so a hundred runs cost one pass over /proc a look. A look
// happens soon after a spawn, at a leader's exit, right before each stop
// signal, and every TRACK_INTERVAL_MS; processes that belong to no run when
// first seen are not read again (a family is decided at birth).
//
// While nothing forks, a look costs one listing of /proc: the periodic look
// reads only processes it has not seen before, and those it first saw at the
// look before (a setsid() soon after birth). Every other process of a run is
// read again when a look is asked for (an exit, a stop), when a run's
// process forks, and every FULL_LOOK_MS.
import { periodicTimer, type PeriodicTimer } from '../periodic-timer.js';
import { readProcStat, type ProcStat } from './proc-stat.js';
import { assignFamilies, listPids, readRunMarker, type Escapee, type Family } from './descendants.js';

/** A run the tracker follows; `escapees` looks again (soon) and lists them. */
export interface TrackedRun {
  escapees(opts?: { withinMs?: number }): Promise<Escapee[]>;
  /** The escapees known now, without looking (the second Ctrl-C). */
  known(): Escapee[];
  untrack(): void;
}

/** What the tracker reads of /proc (a test counts the reads). */
export interface ProcReader {
  listPids(): number[];
  readStat(pid: number): ProcStat | null;
  readMarker(pid: number): string | null;
}

/** How often the tracker looks while runs are tracked (the process-monitor's default interval). */
export const TRACK_INTERVAL_MS = 5000;
/**
 * How often a periodic look reads every process of the runs again: one that
 * left its group long after birth, without forking, is seen within this.
 */
export const FULL_LOOK_MS = 60_000;

interface Tracked extends Family {
  onChange: (escaped: Escapee[]) => void;
}

const procfs: ProcReader = { listPids, readStat: readProcStat, readMarker: readRunMarker };

export class EscapeeTracker {
  readonly #runs = new Map<number, Tracked>();
  /** Every process of a run, with the stat last read. */
  #members = new Map<number, ProcStat>();
  /** Members first seen at the last look: read once more at the next. */
  #young = new Set<number>();
  /**
   * Every pid in /proc at the last look, with that look's number. Processes
   * that belong to no run when first seen never will (a family is decided at
   * birth): listed and not members, their stat and environ are read once.
   */
  readonly #listed = new Map<number, number>();
  #looks = 0;
  #lastFullAt = -Infinity;
  #stopTicks: (() => void) | null = null;
  #pending: { at: number; full: boolean; timer: NodeJS.Timeout; done: Promise<void>; settle: () => void } | null = null;

  constructor(
    private readonly proc: ProcReader = procfs,
    private readonly timer: Pick<PeriodicTimer, 'every'> = periodicTimer,
  ) {}

  /** Follow the run led by `pgid`; `onChange` hears each new set of escapees (for its pid record). */
  track(pgid: number, token: string, since: number, onChange: (escaped: Escapee[]) => void): TrackedRun {
    const run: Tracked = { pgid, token, since, escaped: [], onChange };
    this.#runs.set(pgid, run);
    // Just spawned: whatever was known of its pid (a process gone since the last look) was another process.
    this.#listed.delete(pgid);
    this.#members.delete(pgid);
    this.#stopTicks ??= this.timer.every(TRACK_INTERVAL_MS, () => this.#periodicLook(), { keepsAlive: false });
    // A look soon after the spawn, shared by every spawn of that second, catches an early setsid().
    void this.#refresh(1000, false);
    return {
      escapees: async (opts) => {
        await this.#refresh(opts?.withinMs ?? 0, true);
        return run.escaped;
      },
      known: () => run.escaped,
      untrack: () => {
        if (this.#runs.get(pgid) === run) this.#runs.delete(pgid);
        if (this.#runs.size === 0 && this.#stopTicks) {
          this.#stopTicks();
          this.#stopTicks = null;
          this.#members.clear();
          this.#young.clear();
        }
      },
    };
  }

  #periodicLook(): void {
    this.#safeLook(performance.now() - this.#lastFullAt >= FULL_LOOK_MS);
  }

  /**
   * Look again within `withinMs` (0: on the next turn). Callers in the same
   * window share one look: a hundred stops cost one pass over /proc. A full
   * look reads every process of the runs again.
   */
  #refresh(withinMs: number, full: boolean): Promise<void> {
    const at = Date.now() + withinMs;
    const was = this.#pending;
    if (was && was.at <= at) {
      was.full ||= full;
      return was.done;
    }
    if (was) clearTimeout(was.timer); // the same promise, answered sooner
    let settle = was?.settle ?? (() => {});
    const done = was?.done ?? new Promise<void>((r) => (settle = r));
    const next = {
      at,
      full: full || (was?.full ?? false),
      done,
      settle,
      timer: setTimeout(() => {
        this.#pending = null;
        this.#safeLook(next.full);
        next.settle();
      }, withinMs),
    };
    this.#pending = next;
    return done;
  }

  #safeLook(full: boolean): void {
    try {
      this.#look(full);
    } catch {
      // /proc unreadable for a moment: the known escapees stand, the next look retries.
    }
  }

  // Written with forEach and index loops, and no set of the pids built per
  // look: run once every few seconds, this code is never optimised, and
  // each step of a for-of, each new Set, allocates.
  #look(full: boolean): void {
    if (!this.#runs.size) return;
    const look = ++this.#looks;
    const pids = this.proc.listPids();
    const seen = new Map<number, ProcStat>();
    const read = (pid: number) => {
      const st = this.proc.readStat(pid);
      if (st) seen.set(pid, st);
      else this.#listed.delete(pid); // gone already: its pid, reused, is a new process
    };
    for (let i = 0; i < pids.length; i++) {
      const pid = pids[i];
      const before = this.#listed.has(pid);
      this.#listed.set(pid, look);
      if (before && (!this.#members.has(pid) || (!full && !this.#young.has(pid)))) continue; // a stranger, or a member read before
      read(pid);
    }
    let gone = false;
    this.#listed.forEach((at, pid) => {
      if (at === look) return;
      this.#listed.delete(pid);
      if (this.#members.delete(pid)) gone = true;
    });
    if (!full) {
      // A new process whose parent is a member would be placed by a stat read
      // a while ago, of a pid that may be another process by now: read them all.
      let forked = false;
      seen.forEach((st) => (forked ||= !this.#members.has(st.pid) && this.#members.has(st.ppid) && !seen.has(st.ppid)));
      if (forked) {
        full = true;
        this.#members.forEach((_st, pid) => seen.has(pid) || read(pid));
      } else if (!seen.size && !gone) return; // nothing new, nothing gone: the runs are as they were
      else this.#members.forEach((st, pid) => seen.has(pid) || seen.set(pid, st));
    }
    if (full) this.#lastFullAt = performance.now();
    const families = [...this.#runs.values()];
    // Markers are read only from processes outside every group and not known
    // as escapees: ones seen for the first time, and members that left their group.
    const of = assignFamilies(seen.values(), families, (pid) => this.proc.readMarker(pid));
    const members = new Map<number, ProcStat>();
    const young = new Set<number>();
    seen.forEach((st, pid) => {
      if (!of.has(pid)) return; // a stranger: listed, not read again
      if (!this.#members.has(pid)) young.add(pid);
      members.set(pid, st);
    });
    this.#members = members;
    this.#young = young;
    // Each run's escapees, from one pass over what was placed (not a pass per run: a hundred runs).
    const outside = new Map<Family, Escapee[]>();
    of.forEach((f, pid) => {
      const st = seen.get(pid)!;
      if (st.pgrp === f.pgid) return;
      const list = outside.get(f) ?? [];
      if (!list.length) outside.set(f, list);
      list.push({ pid, startTime: st.startTime });
    });
    for (const run of families) {
      const escaped = outside.get(run) ?? [];
      if (!escaped.length && !run.escaped.length) continue;
      // Known escapees are dropped only once gone, not when a look misses them.
      const next = [...escaped, ...run.escaped.filter((e) => !escaped.some((x) => x.pid === e.pid) && this.#isAlive(e))];
      if (!sameSet(next, run.escaped)) {
        run.escaped = next;
        run.onChange(next);
      }
    }
  }

  /** Whether `e` still runs (same pid, same start time, not a zombie). */
  #isAlive(e: Escapee): boolean {
    const st = this.proc.readStat(e.pid);
    return st !== null && st.startTime === e.startTime && st.state !== 'Z';
  }
}

const tracker = new EscapeeTracker();

/** Follow the run led by `pgid` with the engine's one tracker. */
export function trackRun(pgid: number, token: string, since: number, onChange: (escaped: Escapee[]) => void): TrackedRun {
  return tracker.track(pgid, token, since, onChange);
}

function sameSet(a: Escapee[], b: Escapee[]): boolean {
  return a.length === b.length && a.every((x) => b.some((y) => y.pid === x.pid && y.startTime === x.startTime));
}
