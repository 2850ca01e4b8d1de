// Whether a pid is a live process (a zombie counts as gone).
import { readdirSync, readFileSync } from 'node:fs';
import { readProcStat } from '../../core/process/proc-stat.js';

export const isAlive = (pid: number) => {
  const st = readProcStat(pid);
  return st !== null && st.state !== 'Z';
};

/** Live processes whose command line (argv, NUL-joined) contains `marker`. */
export function pidsWithArgv(marker: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    let argv: string;
    try {
      argv = readFileSync(`/proc/${entry}/cmdline`, 'latin1');
    } catch {
      continue; // exited meanwhile
    }
    if (argv.includes(marker) && isAlive(Number(entry))) found.push(Number(entry));
  }
  return found;
}

/** A marker for argv no other test (or run) uses. */
export const uniqueMarker = (what: string) => `pit-test-${what}-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
