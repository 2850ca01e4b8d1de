// Where the engine's RSS goes, Pit only, one line per item:
// - node-idle: Node's own baseline (node -e, idle), with the engine's flags;
// - part: what each part adds (yaml, the pitfile loader, a loaded pitfile,
//   the engine's modules, better-sqlite3, the journal opened and written,
//   chokidar watching a file, a bare tinypool worker, the plugin worker),
//   each alone in a fresh process: RSS growth after a full GC, median of 3;
// - supervisors: the engine in-process with 0, 100 and 1,000 idle children
//   and no plugins: RSS, V8 heap, external memory, per child;
// - engine-100: `engine run` with 100 idle children, plugins off / the
//   default (heartbeat) / all four built-ins, each worker's cost, and the
//   default's RSS by mapping (the node binary, anonymous memory, libraries);
// - python-heal: a 4-process Python project with self-healing on.
// node bench/footprint-breakdown.mjs   (SETTLE_S=3)
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pidsWithMarker, rssBytes, rssByMapping, smapsRollup, threadCount, until } from './lib/procs.mjs';
import { fmt } from './lib/stats.mjs';

const root = fileURLToPath(new URL('../', import.meta.url));
const [node, ...engineArgs] = (await import(join(root, 'dist/core/cli/engine-command.js'))).engineCommand();
const flags = engineArgs.slice(0, -1);
const SETTLE_S = Number(process.env.SETTLE_S ?? 3);
const mib = (b) => `${fmt(b / 2 ** 20)}MiB`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const line = (item, text) => console.log(`${item.padEnd(22)} ${text}`);

async function main() {
  // Node's own baseline: an idle script with the engine's flags.
  {
    const child = spawn(node, [...flags, '-e', 'setInterval(() => {}, 1 << 30)'], { stdio: 'ignore' });
    await sleep(SETTLE_S * 1000);
    const r = smapsRollup(child.pid);
    line('node-idle', `rss ${mib(r.Rss)} (file-backed ${mib(r.Rss - r.Anonymous)}, anonymous ${mib(r.Anonymous)}) threads ${threadCount(child.pid)}`);
    child.kill();
  }
  // Each part alone, in a fresh process.
  for (let i = 0; i < Object.keys(parts).length; i++) {
    const runs = [0, 1, 2].map(() => JSON.parse(runProbe('part', i)));
    const med = (k) => runs.map((r) => r[k]).sort((a, b) => a - b)[1];
    line('part', `${runs[0].name}: rss +${mib(med('rss'))}, of it V8 heap +${mib(med('heap'))} (median of 3)`);
  }
  for (const n of [0, 100, 1000]) line(`supervisors-${n}`, runProbe('supervisors', n));
  // engine run with 100 children: plugins off, heartbeat (the default), all four built-ins.
  const variants = [
    ['plugins-off', 'heartbeat: false'],
    ['heartbeat', ''],
    ['all-plugins', 'reactions: [{ on: "process:*:import-error", do: [{ install: {} }, { restart: $process }] }]'],
  ];
  const rss = {};
  for (const [name, yaml] of variants) {
    const m = await engineRun(100, yaml, { limits: name === 'all-plugins', venvLike: name === 'all-plugins', mappings: name === 'heartbeat' });
    rss[name] = m.rss;
    line(`engine-100-${name}`, m.text);
  }
  line('worker-cost', `heartbeat's worker ${mib(rss.heartbeat - rss['plugins-off'])}; 3 more built-ins (monitor, matcher, installer) ${mib((rss['all-plugins'] - rss.heartbeat) / 3)} each`);
  line('python-heal', await pythonProject());
}

/** Runs this file's probe in a fresh node with the engine's flags; its one line of output. */
function runProbe(what, n = 0) {
  return execFileSync(node, [...flags, '--expose-gc', fileURLToPath(import.meta.url), '--probe', what, String(n)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
}

/** `engine run` in a temp dir with `count` idle sleep children; RSS, threads, smaps. */
async function engineRun(count, extraYaml, { limits = false, venvLike = false, mappings = false, cwd = null, argv = null } = {}) {
  const dir = cwd ?? mkdtempSync(join(tmpdir(), 'pit-bench-footprint-'));
  const marker = `footprint-${process.pid}-${Date.now()}`;
  let cmd = argv ?? ['sleep', '100000'];
  if (venvLike && !argv) {
    // A command the built-ins take for Python (a venv's bin/), still the same idle sleep.
    mkdirSync(join(dir, '.venv/bin'), { recursive: true });
    symlinkSync(execFileSync('sh', ['-c', 'command -v sleep'], { encoding: 'utf8' }).trim(), join(dir, '.venv/bin/sleep'));
    cmd = ['.venv/bin/sleep', '100000'];
  }
  const lines = ['version: 1', extraYaml, 'processes:'];
  for (let i = 0; i < count; i++) {
    lines.push(`  p-${i}:`, `    command: ${JSON.stringify(cmd)}`, `    env: { PIT_BENCH: "${marker}" }`, '    stop: { timeout: 2s }');
    if (limits && i === 0) lines.push('    limits: { memory: 1GB }');
  }
  writeFileSync(join(dir, 'pitfile.yaml'), lines.join('\n') + '\n');
  const out = openSync('/dev/null', 'w');
  const child = spawn(node, [...engineArgs, 'run'], { cwd: dir, stdio: ['ignore', out, out], env: { ...process.env, CI: '1' } });
  try {
    await until(() => pidsWithMarker(marker).length >= count, 120_000, `${count} children`, 20);
    await sleep(SETTLE_S * 1000);
    const r = smapsRollup(child.pid);
    let text = `rss ${mib(r.Rss)} (file-backed ${mib(r.Rss - r.Anonymous)}, anonymous ${mib(r.Anonymous)}) threads ${threadCount(child.pid)}`;
    if (mappings) {
      const by = [...rssByMapping(child.pid)].sort((a, b) => b[1] - a[1]).slice(0, 8);
      text += `; by mapping: ${by.map(([k, v]) => `${k.split('/').pop()} ${mib(v)}`).join(', ')}`;
    }
    return { rss: r.Rss, text };
  } finally {
    child.kill('SIGTERM');
    await new Promise((res) => (child.exitCode !== null ? res() : child.once('exit', res)));
    for (const pid of pidsWithMarker(marker)) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    if (!cwd) rmSync(dir, { recursive: true, force: true });
  }
}

/** A Python project as bench/heal.mjs builds it, with 4 idle processes and self-healing on. */
async function pythonProject() {
  const dir = mkdtempSync(join(tmpdir(), 'pit-bench-footprint-py-'));
  try {
    execFileSync('python3', ['-m', 'venv', join(dir, '.venv')], { stdio: 'ignore' });
    writeFileSync(join(dir, 'app.py'), 'import time\nwhile True: time.sleep(3600)\n');
    const heal = 'reactions: [{ on: "process:*:import-error", do: [{ install: {} }, { restart: $process }] }]';
    return (await engineRun(4, heal, { cwd: dir, argv: ['.venv/bin/python', 'app.py'] })).text;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- inside the probe process ----

function usage() {
  globalThis.gc();
  globalThis.gc();
  const m = process.memoryUsage();
  return { rss: rssBytes(process.pid), heap: m.heapUsed, heapTotal: m.heapTotal, external: m.external, buffers: m.arrayBuffers };
}

async function probe(what, n) {
  const dir = mkdtempSync(join(tmpdir(), 'pit-bench-probe-'));
  try {
    if (what === 'part') await probePart(dir, n);
    else await probeSupervisors(dir, n);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What each part adds, each in a fresh process (after a full GC; median of 3 runs in main()). */
const parts = {
  yaml: () => import('yaml'),
  'pitfile loader modules (with yaml)': () => import(join(root, 'dist/core/config/load.js')),
  'a 100-process pitfile loaded (with its modules)': async (dir) => {
    const lines = ['version: 1', 'processes:'];
    for (let i = 0; i < 100; i++) lines.push(`  p-${i}: { command: ["sleep", "100000"], stop: { timeout: 2s } }`);
    writeFileSync(join(dir, 'pitfile.yaml'), lines.join('\n') + '\n');
    const { loadPitfile } = await import(join(root, 'dist/core/config/load.js'));
    await loadPitfile({ cwd: dir, plugins: true, machine: true });
  },
  'engine modules (core/engine.js and its imports)': () => import(join(root, 'dist/core/engine.js')),
  'better-sqlite3 loaded': () => import('better-sqlite3'),
  'journal and bus modules (no database)': async () => {
    await import(join(root, 'dist/core/journal/journal.js'));
    await import(join(root, 'dist/core/events/bus.js'));
  },
  'journal opened, 100 rows written (with better-sqlite3)': async (dir) => {
    const { Journal } = await import(join(root, 'dist/core/journal/journal.js'));
    const { EventBus } = await import(join(root, 'dist/core/events/bus.js'));
    const bus = new EventBus();
    const j = Journal.open(dir, { ageMs: 7 * 86400_000, rows: 100_000, statsEveryMs: null });
    j.attach(bus);
    for (let i = 0; i < 100; i++) bus.publish('process:state', `p-${i}`, { process: `p-${i}`, from: 'starting', to: 'running', pid: i, exit_code: null, signal: null, reason: 'bench' });
    j.flush();
  },
  'chokidar loaded, 1 file watched': async (dir) => {
    const { watch } = await import('chokidar');
    writeFileSync(join(dir, 'f.txt'), 'x');
    const w = watch(join(dir, 'f.txt'));
    await new Promise((r) => w.once('ready', r));
  },
  'bare tinypool worker (1 thread, trivial task)': async (dir) => {
    const { default: Tinypool } = await import('tinypool');
    writeFileSync(join(dir, 'w.mjs'), 'export default () => 1;\n');
    const pool = new Tinypool({ filename: join(dir, 'w.mjs'), minThreads: 1, maxThreads: 1 });
    await pool.run({});
  },
  'the plugin worker running the heartbeat plugin': async (dir) => {
    const { pluginPool } = await import(join(root, 'dist/core/plugins/describe.js'));
    const use = join(root, 'dist/plugins/heartbeat/index.js');
    const pool = pluginPool(128);
    const task = { use, options: { file: join(dir, 'hb'), intervalMs: 30_000 }, root: dir, stateDir: dir };
    await pool.run({ ...task, hook: 'describe' });
    await pool.run({ ...task, hook: 'setup' });
    await pool.run({ ...task, hook: 'tick' });
  },
};

/** RSS and heap growth of part `name` (by its index), as JSON. */
async function probePart(dir, index) {
  const [name, run] = Object.entries(parts)[index];
  const before = usage();
  await run(dir);
  await sleep(500);
  const after = usage();
  console.log(JSON.stringify({ name, rss: after.rss - before.rss, heap: after.heapTotal - before.heapTotal }));
  process.exit(0);
}

/** The engine in-process with `n` idle children, no plugins: what the supervisors hold. */
async function probeSupervisors(dir, n) {
  const { Engine } = await import(join(root, 'dist/core/engine.js'));
  const { loadPitfile } = await import(join(root, 'dist/core/config/load.js'));
  const marker = `footprint-probe-${process.pid}`;
  const lines = ['version: 1', 'heartbeat: false', n ? 'processes:' : 'processes: {}'];
  for (let i = 0; i < n; i++) lines.push(`  p-${i}: { command: ["sleep", "100000"], env: { PIT_BENCH: "${marker}" }, stop: { timeout: 2s } }`);
  writeFileSync(join(dir, 'pitfile.yaml'), lines.join('\n') + '\n');
  const { pitfile } = await loadPitfile({ cwd: dir });
  const before = usage();
  const engine = new Engine(pitfile, { lines: () => {} });
  await engine.start();
  await engine.ready();
  await until(() => pidsWithMarker(marker).length >= n, 120_000, `${n} children`, 20);
  await sleep(SETTLE_S * 1000);
  const u = usage();
  const per = (k) => (n ? ` (${fmt((u[k] - before[k]) / n / 1024)}KiB per child)` : '');
  console.log(
    `rss ${fmt(u.rss / 2 ** 20)}MiB, +${fmt((u.rss - before.rss) / 2 ** 20)}MiB from the engine's start${per('rss')}; V8 heap used ${fmt(u.heap / 2 ** 20)}MiB${per('heap')}; external ${fmt(u.external / 2 ** 20)}MiB${per('external')} of which array buffers ${fmt(u.buffers / 2 ** 20)}MiB`,
  );
  await engine.stop();
  process.exit(0);
}

if (process.argv[2] === '--probe') await probe(process.argv[3], Number(process.argv[4] ?? 0));
else await main();
