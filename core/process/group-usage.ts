// CPU time and memory of whole process groups, from one pass over /proc:
// a process's children count towards it, as they share its group, and so
// do descendants that left the group (setsid) while their parent lives.
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
  const add = (pgrp: number, f: string[]) => {
    const u = out.get(pgrp) ?? { cpuTicks: 0, rssBytes: 0, members: 0 };
    u.cpuTicks += Number(f[11]) + Number(f[12]);
    u.rssBytes += Number(f[21]) * PAGE_BYTES;
    u.members++;
    out.set(pgrp, u);
  };
  const owner = new Map<number, number>();
  const outside: { pid: number; f: string[] }[] = [];
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
    if (f[0] === 'Z') continue;
    if (!pgids.has(pgrp)) {
      outside.push({ pid, f });
      continue;
    }
    owner.set(pid, pgrp);
    add(pgrp, f);
  }
  // Escapees: a process whose parent counts for a group counts for it too.
  for (let grew = true; grew; ) {
    grew = false;
    for (let i = outside.length - 1; i >= 0; i--) {
      const pgrp = owner.get(Number(outside[i].f[1]));
      if (pgrp === undefined) continue;
      owner.set(outside[i].pid, pgrp);
      add(pgrp, outside[i].f);
      outside.splice(i, 1);
      grew = true;
    }
  }
  return out;
}
