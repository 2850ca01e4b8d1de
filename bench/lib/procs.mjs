// Reading /proc: processes carrying a marker in their environment, their
// memory and their CPU time.
import { readdirSync, readFileSync } from 'node:fs';

/** Pids of live processes whose environment holds PIT_BENCH=<marker>. */
export function pidsWithMarker(marker) {
  const needle = `PIT_BENCH=${marker}\0`;
  const out = [];
  for (const e of readdirSync('/proc')) {
    const pid = Number(e);
    if (!pid) continue;
    try {
      if (readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z')) continue;
      if (readFileSync(`/proc/${pid}/environ`, 'latin1').includes(needle)) out.push(pid);
    } catch { /* gone */ }
  }
  return out;
}

/** Resident memory of `pid` in bytes. */
export function rssBytes(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

/** utime + stime of `pid` in clock ticks (100 per second on Linux). */
export function cpuTicks(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(f[11]) + Number(f[12]);
}

export const TICKS_PER_SECOND = 100;

/** Poll `check` every `everyMs` until it is truthy or `ms` pass. */
export async function until(check, ms, what, everyMs = 5) {
  const end = Date.now() + ms;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
