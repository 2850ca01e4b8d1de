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

/** Threads of `pid` (main thread included). */
export function threadCount(pid) {
  const m = /Threads:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : 0;
}

/** /proc/<pid>/smaps_rollup as { Rss, Pss, Anonymous, … } in bytes. */
export function smapsRollup(pid) {
  const out = {};
  for (const m of readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8').matchAll(/^(\w+):\s+(\d+) kB/gm)) out[m[1]] = Number(m[2]) * 1024;
  return out;
}

/** Resident bytes of `pid` by mapping: "<file> <perms>" (r-xp: code, r--p: read-only data), or [anon], [heap], [stack]. */
export function rssByMapping(pid) {
  const out = new Map();
  let name = '';
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const head = /^[0-9a-f]+-[0-9a-f]+ (\S+) \S+ \S+ \d+\s*(.*)$/.exec(line);
    if (head) name = head[2].startsWith('/') ? `${head[2]} ${head[1]}` : head[2] || '[anon]';
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) out.set(name, (out.get(name) ?? 0) + Number(rss[1]) * 1024);
  }
  return out;
}

/** Per thread of `pid`: { tid, name, ticks (utime+stime), switches (voluntary + not) }. */
export function threadStats(pid) {
  const out = [];
  for (const t of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${t}/stat`, 'utf8');
      const f = stat.split(') ')[1].split(' ');
      const status = readFileSync(`/proc/${pid}/task/${t}/status`, 'utf8');
      const sw = (k) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
      out.push({ tid: Number(t), name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), ticks: Number(f[11]) + Number(f[12]), switches: sw('voluntary_ctxt_switches') + sw('nonvoluntary_ctxt_switches') });
    } catch { /* ended */ }
  }
  return out;
}
