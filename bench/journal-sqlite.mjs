// The journal on node:sqlite against better-sqlite3, on the same Node and
// disk: Pit only, one line per driver. The journal's own writes (a storm of
// ROWS events through Journal, 5,000-row transactions) and reads (engine
// events' newest 100 of a type), with RSS added by loading the driver and
// writing the storm, median of RUNS fresh processes each.
//
// node bench/journal-sqlite.mjs   (ROWS=100000 RUNS=3)
//
// better-sqlite3's module is built for the Node that runs it: to compare on
// Node 24, build one (`node-gyp rebuild --nodedir=<node 24's folder>` in a
// copy of node_modules/better-sqlite3) and pass its folder as
// BETTER_SQLITE3=/path/to/better-sqlite3.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, percentile } from './lib/stats.mjs';

const root = fileURLToPath(new URL('../', import.meta.url));
const ROWS = Number(process.env.ROWS ?? 100_000);
const RUNS = Number(process.env.RUNS ?? 3);

if (process.argv[2] === 'one') {
  await one(process.argv[3]);
} else {
  console.log(`journal-sqlite: Node ${process.version}, ${ROWS} events, median of ${RUNS} runs`);
  for (const driver of ['node:sqlite', 'better-sqlite3']) {
    const runs = [];
    for (let i = 0; i < RUNS; i++) {
      const dir = mkdtempSync(join(tmpdir(), 'pit-bench-journal-'));
      try {
        const out = execFileSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), 'one', driver], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, BENCH_DIR: dir } });
        runs.push(JSON.parse(out));
      } catch (e) {
        console.log(`${driver.padEnd(15)} not measured: ${String(e.stderr ?? '').split('\n').find((l) => /^\w*Error/.test(l)) ?? e.message}`);
        break;
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    if (runs.length < RUNS) continue;
    const m = (k) => percentile(runs.map((r) => r[k]), 50);
    console.log(
      `${driver.padEnd(15)} write ${fmt(m('writeUsPerRow'))} µs/event (${fmt(ROWS / m('writeS') / 1000)}k events/s)` +
        `  read newest 100 ${fmt(m('readMs'))} ms` +
        `  RSS +${fmt(m('loadMiB'))} MiB loaded, +${fmt(m('stormMiB'))} MiB after the storm`,
    );
  }
}

/** One driver in this fresh process; prints its numbers as JSON. */
async function one(driver) {
  const rss = () => {
    globalThis.gc();
    return process.memoryUsage().rss / 2 ** 20;
  };
  const base = rss();
  // Load the driver as the journal would, then hand the journal only that one.
  const sqlite = await import(join(root, 'dist/core/journal/sqlite.js'));
  if (driver === 'better-sqlite3') {
    process.getBuiltinModule = undefined; // the journal then takes better-sqlite3
    if (process.env.BETTER_SQLITE3) {
      const { Module } = await import('node:module');
      const resolve = Module._resolveFilename;
      Module._resolveFilename = (req, ...rest) => resolve.call(Module, req === 'better-sqlite3' ? process.env.BETTER_SQLITE3 : req, ...rest);
    }
  }
  if (sqlite.chooseSqlite() !== driver) throw new Error(`this Node gives ${sqlite.chooseSqlite()}, not ${driver}`);
  const { Journal } = await import(join(root, 'dist/core/journal/journal.js'));
  const { EventBus } = await import(join(root, 'dist/core/events/bus.js'));
  const dir = process.env.BENCH_DIR;
  const bus = new EventBus();
  const journal = Journal.open(dir, { ageMs: 7 * 86400_000, rows: ROWS * 2, statsEveryMs: null });
  journal.attach(bus);
  journal.query({ limit: 1 }); // opened: the driver's module and the database are in
  const loaded = rss();
  const started = process.hrtime.bigint();
  for (let i = 0; i < ROWS; i++) {
    bus.publish('process:exit', `p${i % 100}`, { process: `p${i % 100}`, pid: i, exit_code: i % 256, signal: null, uptime_ms: i, reason: 'bench' });
  }
  journal.flush();
  const writeS = Number(process.hrtime.bigint() - started) / 1e9;
  const stormed = rss();
  const readStart = process.hrtime.bigint();
  for (let i = 0; i < 20; i++) journal.query({ type: 'process:p7:exit', limit: 100 });
  const readMs = Number(process.hrtime.bigint() - readStart) / 1e6 / 20;
  journal.close();
  process.stdout.write(JSON.stringify({ writeS, writeUsPerRow: (writeS * 1e6) / ROWS, readMs, loadMiB: loaded - base, stormMiB: stormed - base }));
}
