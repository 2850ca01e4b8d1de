// Where start-up goes, Pit only: `engine run` with 100 idle children, from
// launch to all alive.
// 1. The modules loaded before the first spawn (a load hook and
//    Module._load, lib/startup-marks.mjs): count, by package or folder.
// 2. A --cpu-prof run without the hook: the engine's CPU time (utime+stime,
//    all threads, from /proc) to the first spawn and to all alive, and the
//    profile's samples before the first spawn by owner (package, core/
//    folder, Node's module loader, GC).
// Wall-clock figures depend on the machine's load; CPU time less so.
// node bench/startup-profile.mjs   (COUNT=100 TOP=14; ENGINE_FLAGS='' runs node with
// its own defaults instead of the engine's V8 flags, to compare)
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuTicks, pidsWithMarker, until } from './lib/procs.mjs';
import { fmt } from './lib/stats.mjs';

const COUNT = Number(process.env.COUNT ?? 100);
const TOP = Number(process.env.TOP ?? 14);
const root = fileURLToPath(new URL('../', import.meta.url));
const [node, ...engineArgs] = (await import(join(root, 'dist/core/cli/engine-command.js'))).engineCommand();
const flags = process.env.ENGINE_FLAGS !== undefined ? process.env.ENGINE_FLAGS.split(' ').filter(Boolean) : engineArgs.slice(0, -1);
const preload = new URL('./lib/startup-marks.mjs', import.meta.url).href;
const line = (item, text) => console.log(`${item.padEnd(22)} ${text}`);

/** Where a file or URL belongs: an npm package or a folder of Pit; null for Node's own code and the bench. */
function owner(url) {
  if (!url) return null;
  const path = url.replace(/^(file:\/\/|cjs:)/, '');
  const pkg = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(path);
  if (pkg) return pkg[1];
  const pit = /\/dist\/((core|plugins)\/[^/]+)/.exec(path);
  if (pit) return pit[1].replace(/\.c?js$/, ''); // a folder of core/, or a file at its top
  if (path.startsWith(root) || path.startsWith('/')) return path.startsWith(join(root, 'bench')) ? null : path.replace(root, '');
  return null;
}

async function launch(extraNodeArgs, env) {
  const dir = mkdtempSync(join(tmpdir(), 'pit-bench-startup-profile-'));
  const marker = `startup-profile-${process.pid}-${Date.now()}`;
  const lines = ['version: 1', 'processes:'];
  for (let i = 0; i < COUNT; i++) lines.push(`  p-${i}: { command: ["sleep", "100000"], env: { PIT_BENCH: "${marker}" }, stop: { timeout: 2s } }`);
  writeFileSync(join(dir, 'pitfile.yaml'), lines.join('\n') + '\n');
  const marks = join(dir, 'marks.json');
  const out = openSync('/dev/null', 'w');
  const args = [...flags, '--import', preload, ...extraNodeArgs, engineArgs.at(-1), 'run'];
  const started = performance.now();
  const child = spawn(node, args, { cwd: dir, stdio: ['ignore', out, out], env: { ...process.env, CI: '1', PIT_BENCH_MARKS: marks, ...env } });
  try {
    await until(() => pidsWithMarker(marker).length >= COUNT, 120_000, `${COUNT} children`, 2);
    const aliveMs = performance.now() - started;
    const cpuMs = cpuTicks(child.pid) * 10;
    const mainCpuMs = Number(readFileSync(`/proc/${child.pid}/task/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ').slice(11, 13).reduce((a, b) => a + Number(b), 0)) * 10;
    await new Promise((r) => setTimeout(r, 500));
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
    return { dir, aliveMs, cpuMs, mainCpuMs, marks: JSON.parse(readFileSync(marks, 'utf8')) };
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  } finally {
    for (const pid of pidsWithMarker(marker)) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
  }
}

// 1. Modules before the first spawn.
{
  const { dir, marks } = await launch([], { PIT_BENCH_MODULES: '1' });
  rmSync(dir, { recursive: true, force: true });
  const first = marks.spawns[0];
  // A CommonJS file imported from ESM passes both the hook and Module._load: counted once.
  const seen = new Set();
  const key = (m) => m.url.replace(/^(file:\/\/|cjs:)/, '');
  const before = marks.modules.filter((m) => m.t < first && !seen.has(key(m)) && seen.add(key(m)) && !m.url.includes('/bench/'));
  const builtins = before.filter((m) => m.url.startsWith('node:') || !m.url.includes('/'));
  const by = new Map();
  for (const m of before) {
    const o = owner(m.url);
    if (o) by.set(o, (by.get(o) ?? 0) + 1);
  }
  const after = new Map();
  for (const m of marks.modules.filter((m) => m.t >= first && !m.url.includes('/bench/'))) {
    const o = owner(m.url);
    if (o && !by.has(o)) after.set(o, (after.get(o) ?? 0) + 1);
  }
  const list = (map) => [...map].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ');
  line('modules-before-spawn', `${before.length - builtins.length} files + ${builtins.length} built-ins before the first spawn: ${list(by)}`);
  line('modules-after-spawn', `first loaded after it: ${list(after) || 'none'}`);
}

// 2. CPU time, three runs without the profiler (medians).
{
  const runs = [];
  for (let i = 0; i < 3; i++) {
    const r = await launch([], {});
    rmSync(r.dir, { recursive: true, force: true });
    runs.push(r);
  }
  const med = (f) => runs.map(f).sort((a, b) => a - b)[1];
  line('cpu-time', `launch to all ${COUNT} alive: ${fmt(med((r) => r.aliveMs), 0)}ms wall (under load); engine CPU (utime+stime, all threads) ${med((r) => r.cpuMs)}ms, main thread ${med((r) => r.mainCpuMs)}ms; CPU to the first spawn ${fmt(med((r) => r.marks.firstSpawnCpuUs) / 1000, 0)}ms; the ${COUNT} spawns span ${fmt(med((r) => r.marks.spawns.at(-1) - r.marks.spawns[0]) / 1000, 0)}ms wall (medians of 3)`);
}

// 3. The profile: samples before the first spawn, by owner and by function.
{
  const { dir, marks } = await launch(['--cpu-prof', '--cpu-prof-dir', 'prof'], {});
  try {
    const prof = JSON.parse(readFileSync(join(dir, 'prof', readdirSync(join(dir, 'prof'))[0]), 'utf8'));
    const nodes = new Map(prof.nodes.map((n) => [n.id, n]));
    const parent = new Map();
    for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    const first = marks.spawns[0];
    const buckets = new Map();
    const fns = new Map();
    let t = prof.startTime;
    let total = 0;
    let loading = 0;
    for (let i = 0; i < prof.samples.length; i++) {
      t += prof.timeDeltas[i];
      if (t >= first) break;
      const dt = (prof.timeDeltas[i + 1] ?? 0) / 1000;
      const leaf = nodes.get(prof.samples[i]);
      if (leaf.callFrame.functionName === '(idle)') continue;
      total += dt;
      let who = null;
      let fn = null;
      let inLoader = false;
      for (let id = leaf.id; id !== undefined; id = parent.get(id)) {
        const { url, functionName, lineNumber } = nodes.get(id).callFrame;
        if (url.startsWith('node:internal/modules/')) inLoader = true;
        if (!who && owner(url)) {
          who = owner(url);
          fn = `${url.split('/').slice(-2).join('/')}:${functionName || '(module body)'}:${lineNumber + 1}`;
        }
      }
      if (fn) fns.set(fn, (fns.get(fn) ?? 0) + dt);
      if (inLoader) loading += dt;
      const name = who ?? (leaf.callFrame.functionName.startsWith('(') ? leaf.callFrame.functionName : inLoader ? "node's module loader (resolve, read, compile)" : 'node internals');
      buckets.set(name, (buckets.get(name) ?? 0) + dt);
    }
    const top = [...buckets].sort((a, b) => b[1] - a[1]).slice(0, TOP);
    const pct = (v) => `${fmt((v / total) * 100, 0)}%`;
    line('profile-to-spawn', `${fmt(total, 0)}ms sampled before the first spawn (wall, under load), ${pct(loading)} of it loading modules (resolve, read, compile, evaluate); by owner: ${top.map(([k, v]) => `${k} ${pct(v)}`).join(', ')}`);
    const topFns = [...fns].sort((a, b) => b[1] - a[1]).slice(0, TOP);
    line('profile-functions', `by function (the nearest frame of Pit or a package): ${topFns.map(([k, v]) => `${k} ${pct(v)}`).join(', ')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
