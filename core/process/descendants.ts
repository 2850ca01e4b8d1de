// Descendants that left their run's process group. A child that calls
// setsid() or setpgid() (a daemonising server, `nohup`, `setsid`, some test
// runners) is out of reach of kill(-pgid): a stop would leave it running,
// and the pipes it inherited would keep its output open for ever.
//
// Such escapees are found two ways. By /proc parentage: a process whose
// parent belongs to a run belongs to it too, and one that belonged once is
// remembered by pid and start time after its parent is gone. And by a
// variable every child inherits, PIT_RUN=<token>, which still names the run
// after a double fork has handed the process to init. A process that leaves
// the group, is orphaned between two looks and execs with a cleaned
// environment is out of reach: only a cgroup follows that one.
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { readProcStat, type ProcStat } from './proc-stat.js';

/** The variable that marks every process of one run. */
export const RUN_VARIABLE = 'PIT_RUN';

/** A process known by pid and start time, so a reused pid is never mistaken for it. */
export interface Escapee {
  pid: number;
  startTime: number;
}

/** One run: its group, its marker and the escapees known so far. */
export interface Family {
  pgid: number;
  token: string | null;
  /** The leader's start time: nothing of the run is older. */
  since: number;
  escaped: Escapee[];
}

/** A token for a new run's PIT_RUN. */
export const newRunToken = (): string => randomBytes(8).toString('hex');

/**
 * Place each process of `stats` in the family it belongs to: members of the
 * group, known escapees, marked processes, then their descendants.
 */
export function assignFamilies(stats: Iterable<ProcStat>, families: Family[], markerOf: (pid: number) => string | null): Map<number, Family> {
  const of = new Map<number, Family>();
  if (!families.length) return of;
  const byPgid = new Map(families.map((f) => [f.pgid, f]));
  const byToken = new Map(families.flatMap((f) => (f.token ? [[f.token, f] as const] : [])));
  const known = new Map(families.flatMap((f) => f.escaped.map((e) => [`${e.pid}:${e.startTime}`, f] as const)));
  const since = Math.min(...families.map((f) => f.since));
  const rest: ProcStat[] = [];
  for (const st of stats) {
    if (st.state === 'Z') continue; // exited: nothing to end
    const f = byPgid.get(st.pgrp) ?? known.get(`${st.pid}:${st.startTime}`) ?? (st.startTime >= since && byToken.size ? byToken.get(markerOf(st.pid) ?? '') : undefined);
    if (f) of.set(st.pid, f);
    else rest.push(st);
  }
  // Parentage to a fixed point: a child may come before its parent in /proc order.
  for (let grew = true; grew; ) {
    grew = false;
    for (let i = rest.length - 1; i >= 0; i--) {
      const f = of.get(rest[i].ppid);
      if (!f) continue;
      of.set(rest[i].pid, f);
      rest.splice(i, 1);
      grew = true;
    }
  }
  return of;
}

/** The PIT_RUN of process `pid`, or null (not set, or not ours to read). */
export function readRunMarker(pid: number): string | null {
  let env: Buffer;
  try {
    env = readFileSync(`/proc/${pid}/environ`);
  } catch {
    return null;
  }
  const key = Buffer.from(`${RUN_VARIABLE}=`);
  for (let at = env.indexOf(key); at !== -1; at = env.indexOf(key, at + 1)) {
    if (at > 0 && env[at - 1] !== 0) continue; // inside another variable's value
    const end = env.indexOf(0, at);
    return env.toString('latin1', at + key.length, end === -1 ? env.length : end);
  }
  return null;
}

/** Every live process, from one pass over /proc. */
export function readAllStats(): ProcStat[] {
  const out: ProcStat[] = [];
  for (const pid of listPids()) {
    const st = readProcStat(pid);
    if (st) out.push(st);
  }
  return out;
}

/** One look for the escapees of `family` (a group of a killed engine, say): no cache. */
export function findEscapees(family: Family): Escapee[] {
  const stats = new Map(readAllStats().map((st) => [st.pid, st]));
  return escapeesIn(assignFamilies(stats.values(), [family], readRunMarker), family, stats);
}

/** The processes `of` places in `family` that are outside its group. */
export function escapeesIn(of: Map<number, Family>, family: Family, stats: Map<number, ProcStat>): Escapee[] {
  const out: Escapee[] = [];
  for (const [pid, f] of of) {
    const st = stats.get(pid);
    if (f === family && st && st.pgrp !== family.pgid) out.push({ pid, startTime: st.startTime });
  }
  return out;
}

/** The pids in /proc now. */
export function listPids(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    const c = entry.charCodeAt(0);
    if (c >= 48 && c <= 57) pids.push(Number(entry));
  }
  return pids;
}

/** Whether `e` still runs (same pid, same start time, not a zombie). */
export function isEscapeeAlive(e: Escapee): boolean {
  const st = readProcStat(e.pid);
  return st !== null && st.startTime === e.startTime && st.state !== 'Z';
}

/** Send `signal` to each escapee still running; returns those signalled. */
export function signalEscapees(list: Escapee[], signal: NodeJS.Signals): Escapee[] {
  const hit: Escapee[] = [];
  for (const e of list) {
    // Checked right before the signal: a pid whose start time differs is another program now.
    if (!(e.pid > 1) || !isEscapeeAlive(e)) continue;
    try {
      process.kill(e.pid, signal);
      hit.push(e);
    } catch {
      /* exited meanwhile */
    }
  }
  return hit;
}

/** Resolves true once none of `list` runs, false if some still do after `withinMs`. */
export async function waitForEscapees(list: Escapee[], withinMs: number): Promise<boolean> {
  const deadline = Date.now() + Math.max(0, withinMs);
  let left = list.filter(isEscapeeAlive);
  while (left.length) {
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, Math.min(25, Math.max(0, deadline - Date.now()))));
    left = left.filter(isEscapeeAlive);
  }
  return true;
}
