// Reading /proc/<pid>/stat. The start time (field 22, clock ticks since
// boot) tells a process apart from a later one that got the same pid.
import { readFileSync, readdirSync } from 'node:fs';

export interface ProcStat {
  pid: number;
  state: string;
  pgrp: number;
  startTime: number;
}

/** The stat of `pid`, or null when there is no such process. */
export function readProcStat(pid: number): ProcStat | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) may hold spaces and ")" itself: fields are
  // counted from the last ")".
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { pid, state: rest[0], pgrp: Number(rest[2]), startTime: Number(rest[19]) };
}

/** Live (not zombie) members of process group `pgid`, by scanning /proc. */
export function listGroupMembers(pgid: number): number[] {
  if (!isGroupSignalable(pgid)) return [];
  const members: number[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!pid) continue;
    const st = readProcStat(pid);
    if (st && st.pgrp === pgid && st.state !== 'Z') members.push(pid);
  }
  return members;
}

/** Cheap first test: kill(-pgid, 0) fails with ESRCH when the group is empty. */
function isGroupSignalable(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
