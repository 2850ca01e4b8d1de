// CPU time and memory of whole process groups, from one pass over /proc:
// a process's children count towards it, as they share its group.
import { readdirSync, readFileSync } from 'node:fs';

const PAGE_BYTES = 4096;

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
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!pid) continue;
    let text: string;
    try {
      text = readFileSync(`/proc/${pid}/stat`, 'latin1');
    } catch {
      continue; // exited between readdir and read
    }
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const pgrp = Number(f[2]);
    if (!pgids.has(pgrp)) continue;
    const u = out.get(pgrp) ?? { cpuTicks: 0, rssBytes: 0, members: 0 };
    u.cpuTicks += Number(f[11]) + Number(f[12]);
    u.rssBytes += Number(f[21]) * PAGE_BYTES;
    u.members++;
    out.set(pgrp, u);
  }
  return out;
}
