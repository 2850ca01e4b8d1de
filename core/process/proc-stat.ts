// Reading /proc/<pid>/stat (Linux only). The start time (field 22, clock
// ticks since boot) tells a process apart from a later one that got the
// same pid: pids wrap around quickly (pid_max is often 32768).
import { closeSync, openSync, readSync, readdirSync } from 'node:fs';

export interface ProcStat {
  pid: number;
  /** The command name, at most 15 bytes, as the kernel keeps it. */
  comm: string;
  /** R running, S sleeping, D disk wait, Z zombie, T stopped, … */
  state: string;
  ppid: number;
  pgrp: number;
  /** Clock ticks after boot when the process started. */
  startTime: number;
  /** CPU time used so far, user and system (utime + stime), in clock ticks. */
  cpuTicks: number;
  /** Resident memory, in pages. */
  rssPages: number;
}

// One buffer for every read: a stat line is ~300 bytes, and a /proc scan
// reads hundreds of them in a row.
const buf = Buffer.allocUnsafe(4096);

/** The stat of `pid`, or null when there is no such process. */
export function readProcStat(pid: number): ProcStat | null {
  let fd: number;
  try {
    fd = openSync(`/proc/${pid}/stat`, 'r');
  } catch {
    return null;
  }
  try {
    const n = readSync(fd, buf, 0, buf.length, 0);
    return parseProcStat(pid, buf.toString('latin1', 0, n));
  } catch {
    return null; // exited between open and read (ESRCH)
  } finally {
    closeSync(fd);
  }
}

/** Parse the text of /proc/<pid>/stat. */
export function parseProcStat(pid: number, text: string): ProcStat | null {
  // The command name (field 2) is in parentheses and may itself hold
  // spaces, ")" and "(" (prctl lets a program name itself "a) (b"): the
  // other fields are counted from the LAST ")".
  const close = text.lastIndexOf(')');
  if (close === -1) return null;
  const rest = text.slice(close + 2).split(' ');
  if (rest.length < 20) return null;
  return {
    pid,
    comm: text.slice(text.indexOf('(') + 1, close),
    state: rest[0],
    ppid: Number(rest[1]),
    pgrp: Number(rest[2]),
    startTime: Number(rest[19]),
    cpuTicks: Number(rest[11]) + Number(rest[12]),
    rssPages: Number(rest[21]),
  };
}

/** Live (not zombie) members of process group `pgid`. */
export function listGroupMembers(pgid: number): number[] {
  if (!isGroupSignalable(pgid)) return [];
  return scanGroups().get(pgid) ?? [];
}

/** Every live process by process group, from one pass over /proc. */
export function scanGroups(): Map<number, number[]> {
  const groups = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    const c = entry.charCodeAt(0);
    if (c < 48 || c > 57) continue; // not a pid: "self", "sys", …
    const st = readProcStat(Number(entry));
    // A zombie has exited and only waits for its parent to read its status:
    // it cannot run or hold anything, yet kill(-pgid, 0) still counts it.
    if (!st || st.state === 'Z') continue;
    const list = groups.get(st.pgrp);
    if (list) list.push(st.pid);
    else groups.set(st.pgrp, [st.pid]);
  }
  return groups;
}

/**
 * Cheap first test, no /proc scan: kill(-pgid, 0) fails with ESRCH once
 * every member is reaped. It still succeeds while zombies remain.
 */
export function isGroupSignalable(pgid: number): boolean {
  if (!(pgid > 1)) return false; // kill(-0) is our own group, kill(-1) is everyone
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether process `pid` runs: a zombie (exited, not yet reaped by its parent) does not. */
export function isPidAlive(pid: number): boolean {
  if (!(pid > 0)) return false;
  const stat = readProcStat(pid);
  return stat !== null && stat.state !== 'Z';
}
