// CPU time and memory of whole process groups, from one pass over /proc:
// a process's children count towards it, as they share its group, and so
// do descendants that left the group (setsid) while their parent lives.
import { readdirSync } from 'node:fs';
import { readProcStat, type ProcStat } from './proc-stat.js';

const PAGE_BYTES = 4096;
/** Clock ticks a second (USER_HZ, 100 on Linux): the unit of cpuTicks. */
const TICKS_PER_SECOND = 100;

export interface GroupUsage {
  /** utime + stime of every member, in clock ticks (100 a second). */
  cpuTicks: number;
  rssBytes: number;
  members: number;
}

/** Usage of each group in `pgids`, by pgid. */
export function readGroupUsage(pgids: Set<number>): Map<number, GroupUsage> {
  const out = new Map<number, GroupUsage>();
  if (!pgids.size) return out;
  const add = (pgrp: number, st: ProcStat) => {
    const u = out.get(pgrp) ?? { cpuTicks: 0, rssBytes: 0, members: 0 };
    u.cpuTicks += st.cpuTicks;
    u.rssBytes += st.rssPages * PAGE_BYTES;
    u.members++;
    out.set(pgrp, u);
  };
  const owner = new Map<number, number>();
  const outside: ProcStat[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!pid) continue;
    const st = readProcStat(pid);
    if (!st || st.state === 'Z') continue; // exited between readdir and read, or a zombie
    if (!pgids.has(st.pgrp)) {
      outside.push(st);
      continue;
    }
    owner.set(pid, st.pgrp);
    add(st.pgrp, st);
  }
  // Escapees: a process whose parent counts for a group counts for it too.
  for (let grew = true; grew; ) {
    grew = false;
    for (let i = outside.length - 1; i >= 0; i--) {
      const pgrp = owner.get(outside[i].ppid);
      if (pgrp === undefined) continue;
      owner.set(outside[i].pid, pgrp);
      add(pgrp, outside[i]);
      outside.splice(i, 1);
      grew = true;
    }
  }
  return out;
}

/**
 * CPU use between two looks at a group's cpuTicks, in percent of one core
 * (150 is one and a half); 0 when no time passed.
 */
export function cpuPercent(prev: { ticks: number; atMs: number }, now: { ticks: number; atMs: number }): number {
  const seconds = (now.atMs - prev.atMs) / 1000;
  if (seconds <= 0) return 0;
  return ((now.ticks - prev.ticks) / TICKS_PER_SECOND / seconds) * 100;
}
