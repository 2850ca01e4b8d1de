// What wakes an idle engine, Pit only: `engine run` with 100 idle children
// and the default plugins, from SETTLE_S after all are up:
// 1. each thread's CPU ticks and context switches (/proc/<pid>/task) over
//    SECONDS_IDLE: a switch is the thread going to sleep or being woken;
// 2. with strace (apt-get install strace), another SECONDS_IDLE: each
//    thread's system calls, the main loop's wakeups (epoll_wait returns)
//    and the timeouts it sleeps with, which are its timers' periods.
// node bench/idle-wakeups.mjs   (SECONDS_IDLE=30 SETTLE_S=15)
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pidsWithMarker, threadStats, until } from './lib/procs.mjs';
import { fmt } from './lib/stats.mjs';

const SECONDS = Number(process.env.SECONDS_IDLE ?? 30);
const SETTLE_S = Number(process.env.SETTLE_S ?? 15);
const COUNT = 100;
const root = fileURLToPath(new URL('../', import.meta.url));
const [node, ...engineArgs] = (await import(join(root, 'dist/core/cli/engine-command.js'))).engineCommand();
const line = (item, text) => console.log(`${item.padEnd(22)} ${text}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const dir = mkdtempSync(join(tmpdir(), 'pit-bench-idle-wakeups-'));
const marker = `idle-wakeups-${process.pid}-${Date.now()}`;
const lines = ['version: 1', 'processes:'];
for (let i = 0; i < COUNT; i++) lines.push(`  p-${i}: { command: ["sleep", "100000"], env: { PIT_BENCH: "${marker}" }, stop: { timeout: 2s } }`);
writeFileSync(join(dir, 'pitfile.yaml'), lines.join('\n') + '\n');
const out = openSync('/dev/null', 'w');
const child = spawn(node, [...engineArgs, 'run'], { cwd: dir, stdio: ['ignore', out, out], env: { ...process.env, CI: '1' } });
const pid = child.pid;
try {
  await until(() => pidsWithMarker(marker).length >= COUNT, 120_000, `${COUNT} children`, 20);
  await sleep(SETTLE_S * 1000);
  // Thread names: the main thread is "node"; others as Node and V8 name them.
  const nameOf = (t) => (t.tid === pid ? 'main' : t.name);
  const before = new Map(threadStats(pid).map((t) => [t.tid, t]));
  await sleep(SECONDS * 1000);
  const byName = new Map();
  for (const t of threadStats(pid)) {
    const b = before.get(t.tid) ?? { ticks: 0, switches: 0 };
    const k = nameOf(t);
    const s = byName.get(k) ?? { threads: 0, ticks: 0, switches: 0 };
    byName.set(k, { threads: s.threads + 1, ticks: s.ticks + t.ticks - b.ticks, switches: s.switches + t.switches - b.switches });
  }
  const total = [...byName.values()].reduce((a, s) => ({ ticks: a.ticks + s.ticks, switches: a.switches + s.switches }), { ticks: 0, switches: 0 });
  line('threads', `${SECONDS}s idle, ${COUNT} children: ${fmt(total.ticks / SECONDS, 2)}% of a core, ${fmt(total.switches / SECONDS, 2)} context switches/s; per thread: ${[...byName].map(([k, s]) => `${k}${s.threads > 1 ? `×${s.threads}` : ''} ${s.ticks} ticks ${fmt(s.switches / SECONDS, 2)}/s`).join(', ')}`);

  if (spawnSync('strace', ['-V']).status !== 0) line('strace', 'not installed (apt-get install strace): skipped');
  else {
    const names = new Map(threadStats(pid).map((t, i) => [t.tid, t.tid === pid ? 'main' : `thread ${i}`]));
    // Not in the project: the engine watches the pitfile's folder, and each write there wakes it.
    const traceDir = mkdtempSync(join(tmpdir(), 'pit-bench-strace-'));
    const traceFile = join(traceDir, 'strace.txt');
    const tracer = spawn('strace', ['-f', '-qq', '-o', traceFile, '-p', String(pid)], { stdio: 'ignore' });
    await sleep(SECONDS * 1000);
    tracer.kill('SIGINT');
    await new Promise((r) => (tracer.exitCode !== null ? r() : tracer.once('exit', r)));
    const calls = new Map(); // thread name → syscall → count
    const timeouts = new Map(); // the main loop's epoll_wait timeouts (ms) → count
    let wakeups = 0;
    for (const l of readFileSync(traceFile, 'utf8').split('\n')) {
      const m = /^(\d+)\s+(?:<\.\.\. )?(\w+)(?:\(| resumed>)/.exec(l);
      if (!m || l.includes('<unfinished ...>')) continue;
      const who = names.get(Number(m[1])) ?? 'other';
      const per = calls.get(who) ?? new Map();
      per.set(m[2], (per.get(m[2]) ?? 0) + 1);
      calls.set(who, per);
      if (who === 'main' && /^epoll_p?wait$/.test(m[2])) wakeups++;
    }
    // The timeouts are on the call lines, which "unfinished" splits from their return.
    for (const l of readFileSync(traceFile, 'utf8').split('\n')) {
      const m = /^(\d+)\s+(?:epoll_p?wait\(\d+, |<\.\.\. epoll_p?wait resumed>)(?:\[\]|0x[0-9a-f]+|\[.*?\]), \d+, (-?\d+)/.exec(l);
      if (m && names.get(Number(m[1])) === 'main') timeouts.set(Number(m[2]), (timeouts.get(Number(m[2])) ?? 0) + 1);
    }
    // Node names no thread: one that waits in epoll besides main runs an event loop (a plugin's worker).
    for (const [who, per] of [...calls]) {
      if (who !== 'main' && [...per.keys()].some((k) => k.startsWith('epoll'))) {
        calls.delete(who);
        calls.set(`${who} (an event loop: a worker)`, per);
      }
    }
    const fmtCalls = (per) => [...per].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([k, v]) => `${k} ${v}`).join(' ');
    line('strace', `${SECONDS}s: main loop woke ${wakeups} times (${fmt(wakeups / SECONDS, 2)}/s); system calls per thread: ${[...calls].map(([k, per]) => `${k}: ${fmtCalls(per)}`).join('; ')}`);
    // The files the main thread opens or stats, digits folded (/proc/N/stat).
    const files = new Map();
    for (const l of readFileSync(traceFile, 'utf8').split('\n')) {
      const m = /^(\d+)\s+(openat|statx|newfstatat|stat|access)\((?:AT_FDCWD|\d+), "([^"]*)"/.exec(l);
      if (m && names.get(Number(m[1])) === 'main') {
        const k = `${m[2]} ${m[3].replace(dir, '<project>').replace(/\d+/g, 'N')}`;
        files.set(k, (files.get(k) ?? 0) + 1);
      }
    }
    line('main-files', `what the main thread opens or stats in ${SECONDS}s: ${[...files].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([k, v]) => `${k} ×${v}`).join(', ')}`);
    rmSync(traceDir, { recursive: true, force: true });
    line('main-timeouts', `the main loop's epoll_wait timeouts (ms × times): ${[...timeouts].sort((a, b) => b[1] - a[1]).slice(0, 10).map(([k, v]) => `${k}×${v}`).join(', ')}`);
  }
} finally {
  child.kill('SIGTERM');
  await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
  for (const p of pidsWithMarker(marker)) try { process.kill(p, 'SIGKILL'); } catch { /* gone */ }
  rmSync(dir, { recursive: true, force: true });
}
