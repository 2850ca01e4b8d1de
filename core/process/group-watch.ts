// Waiting for a process group to empty. There is no event for "the last
// grandchild exited" (they are not our children), so /proc is polled, and
// the polling is shared: a hundred stops in flight cost one pass a tick.
import { isGroupSignalable, readProcStat, scanGroups } from './proc-stat.js';

interface Waiter {
  pgid: number;
  deadline: number;
  /** Members seen at the last look: re-reading these is far cheaper than a scan. */
  known: number[];
  resolve(empty: boolean): void;
}

const pollMs = 25;
const waiters = new Set<Waiter>();
let timer: NodeJS.Timeout | null = null;

/** Resolves true once group `pgid` has no live member, false if some remain after `withinMs`. */
export function waitForEmptyGroup(pgid: number, withinMs: number): Promise<boolean> {
  // Most groups are gone by now: kill(-pgid, 0) says so without reading /proc.
  if (!isGroupSignalable(pgid)) return Promise.resolve(true);
  return new Promise((resolve) => {
    waiters.add({ pgid, deadline: Date.now() + Math.max(0, withinMs), known: [], resolve });
    schedule();
  });
}

function schedule(): void {
  if (timer || waiters.size === 0) return;
  // Wake at the next tick, or earlier for a deadline, so a stop ends on time.
  let next = Date.now() + pollMs;
  for (const w of waiters) next = Math.min(next, w.deadline);
  timer = setTimeout(poll, Math.max(0, next - Date.now()));
}

function poll(): void {
  timer = null;
  const now = Date.now();
  let scan: Map<number, number[]> | null = null;
  for (const w of waiters) {
    let empty = !isGroupSignalable(w.pgid);
    if (!empty) {
      w.known = w.known.filter((pid) => isLiveMember(pid, w.pgid));
      // The known members are gone but the group is not: zombies, or members
      // forked since. Only a scan tells; one scan serves every waiter.
      if (w.known.length === 0) w.known = (scan ??= scanGroups()).get(w.pgid) ?? [];
      empty = w.known.length === 0;
    }
    if (empty || now >= w.deadline) {
      waiters.delete(w);
      w.resolve(empty);
    }
  }
  schedule();
}

function isLiveMember(pid: number, pgid: number): boolean {
  const st = readProcStat(pid);
  return st !== null && st.pgrp === pgid && st.state !== 'Z';
}
