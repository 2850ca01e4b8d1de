// The journal on real SQLite files: it survives a restart, keeps only what
// settings.journal.keep says, moves a corrupt or locked file aside, and takes
// a storm without holding the publisher up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { openDatabase, readSqliteCode, chooseSqlite } from '../../core/journal/sqlite.js';
import { EventBus } from '../../core/events/bus.js';
import { Journal, journalFile } from '../../core/journal/journal.js';
import { makeProject } from '../helpers/project.js';
import { runEngine, runEngineAsync } from '../helpers/cli.js';
import { runEngineProcess } from '../helpers/engine-process.js';
import { fillDisk, freeDisk, mountTmpfs } from '../helpers/tmpfs.js';
import { until } from '../helpers/wait.js';
import type { PitEvent } from '../../core/events/catalog.js';

const keep = { ageMs: 7 * 86_400_000, rows: 100_000 };
const exitOf = (bus: EventBus, process: string, code: number, at?: number) =>
  bus.publish('process:exit', process, { process, pid: 1, exit_code: code, signal: null, uptime_ms: 5, caused_by_engine: false }, at);

test('the journal survives a restart: written, closed, reopened and read back', () => {
  const dir = makeProject();
  Journal.open(dir, keep).close();
  assert.ok(!existsSync(journalFile(dir)), 'nothing written, no file: the database opens at the first write');
  const bus = new EventBus();
  const j = Journal.open(dir, keep);
  j.attach(bus);
  exitOf(bus, 'api', 3);
  bus.publish('config:reloaded', '', { file: 'pitfile.yaml', added: ['b'], removed: [], changed: [] });
  bus.publish('process:stdout', 'api', { process: 'api', line: 'output lines live in the logs' });
  j.close();
  const again = Journal.open(dir, keep);
  const events = again.query({});
  assert.deepEqual(events.map((e) => e.name), ['process:api:exit', 'config:reloaded']);
  assert.equal(events[0].exit_code, 3);
  assert.deepEqual(again.query({ type: 'process:*:exit' }).length, 1);
  again.close();
  assert.deepEqual(Journal.read(dir, { type: 'config:reloaded' })!.map((e) => e.added), [['b']], 'read without an engine');
});

test('retention: rows past settings.journal.keep go, by age and by count', () => {
  const dir = makeProject();
  const bus = new EventBus();
  const j = Journal.open(dir, { ageMs: 60_000, rows: 100 });
  j.attach(bus);
  const now = Date.now();
  for (let i = 0; i < 10; i++) exitOf(bus, 'old', 0, now - 120_000);
  for (let i = 0; i < 250; i++) exitOf(bus, 'new', i % 256, now);
  j.flush();
  j.prune(now);
  const left = j.query({ limit: 10_000 });
  assert.equal(left.length, 100);
  assert.ok(left.every((e) => e.name === 'process:new:exit'), 'the old ones went first');
  assert.equal(left[99].exit_code, 249, 'the newest stay');
  j.close();
});

test('a corrupt journal is moved aside with a warning and a new one started', () => {
  const dir = makeProject({ 'journal.db': 'this is not a database, it is garbage bytes '.repeat(200) });
  const warnings: string[] = [];
  const j = Journal.open(dir, keep, (t) => warnings.push(t));
  assert.deepEqual(j.query({}), [], 'opened at first use');
  assert.match(warnings[0], /journal\.db moved aside to .*journal\.db\.bad-.*: it could not be opened .*; a new journal is started/);
  const aside = readdirSync(dir).find((f) => f.startsWith('journal.db.bad-'))!;
  assert.match(readFileSync(join(dir, aside), 'utf8'), /^this is not a database/);
  const bus = new EventBus();
  j.attach(bus);
  exitOf(bus, 'api', 1);
  assert.equal(j.query({}).length, 1);
  j.close();
});

test('a journal locked by someone else is moved aside, at open and while running', () => {
  const dir = makeProject();
  Journal.open(dir, keep).close();
  const holder = openDatabase(journalFile(dir));
  holder.exec('BEGIN EXCLUSIVE');
  const warnings: string[] = [];
  const j = Journal.open(dir, keep, (t) => warnings.push(t));
  j.query({});
  assert.match(warnings[0] ?? '', /moved aside .*could not be opened \(database is locked\)/);
  holder.exec('ROLLBACK');
  holder.close();

  // Locked after it opened: a few batches wait, then the file goes.
  const bus = new EventBus();
  j.attach(bus);
  const late = openDatabase(journalFile(dir));
  late.exec('BEGIN EXCLUSIVE');
  exitOf(bus, 'api', 1);
  for (let i = 0; i < 3; i++) j.flush();
  assert.match(warnings.at(-1) ?? '', /moved aside .*cannot write to it/);
  assert.equal(j.query({}).length, 1, 'the queued event landed in the new journal');
  late.close();
  j.close();
});

test('a storm of 100,000 events costs the publisher little, and every row lands', () => {
  const dir = makeProject();
  const bus = new EventBus();
  const j = Journal.open(dir, { ageMs: keep.ageMs, rows: 200_000 });
  j.attach(bus);
  const started = performance.now();
  for (let i = 0; i < 100_000; i++) exitOf(bus, `p${i % 100}`, i % 256);
  const perEvent = (performance.now() - started) / 100_000;
  j.flush();
  const db = openDatabase(journalFile(dir), { readonly: true });
  assert.equal((db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n, 100_000);
  db.close();
  j.close();
  // Generous, for a loaded CI machine: ~12 µs a row here; a commit per event (an fsync each) would be milliseconds.
  assert.ok(perEvent < 1, `${perEvent.toFixed(4)} ms per event`);
});

test('engine events reads the journal from a running engine, and after it stopped', async () => {
  const dir = makeProject({ 'pitfile.yaml': 'version: 1\nprocesses:\n  once: { command: "exit 7", restart: { policy: never } }\n  idle: { command: ["node", "-e", "setInterval(() => {}, 1000)"] }\n' });
  const engine = runEngineProcess(dir);
  await engine.waitFor(/once exited/);
  const live = await runEngineAsync(['events', '--type', 'process:once:exit'], dir);
  assert.equal(live.status, 0, live.stderr);
  assert.match(live.stdout, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} process:once:exit pid=\d+ exit_code=7 uptime [\d.]+ m?s$/m);
  assert.equal((await runEngineAsync(['shutdown'], dir)).status, 0);
  await engine.exited;
  const after = runEngine(['events', '--type', 'process:*:state', '--json'], dir);
  assert.equal(after.status, 0, after.stderr);
  const states = after.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.ok(states.some((e) => e.name === 'process:idle:state' && e.to === 'stopped'), 'the stop is in the journal');
  const follow = runEngine(['events', '-f'], dir);
  assert.equal(follow.status, 3, 'following needs an engine');
});

test('on a full disk the journal keeps its events, says so once, and writes them all once space returns; nothing is moved aside', async (t) => {
  const dir = join(makeProject(), 'state');
  if (!mountTmpfs(t, dir, '2m')) return;
  const bus = new EventBus();
  const said: PitEvent[] = [];
  bus.on('engine:*', (e) => void said.push(e));
  const j = Journal.open(dir, keep);
  t.after(() => j.close());
  j.attach(bus);
  exitOf(bus, 'api', 0);
  j.flush();
  const filler = fillDisk(dir);
  for (let i = 1; i <= 2000; i++) exitOf(bus, 'api', i % 250);
  // Flushes fail (each would throw SQLITE_FULL without the fix), and are retried.
  for (let i = 0; i < 5; i++) assert.doesNotThrow(() => j.flush());
  await until(() => said.some((e) => e.type === 'engine:state-error'), 5000, 'the journal to say it cannot write');
  assert.deepEqual(said.map((e) => [e.type, e.subject, 'code' in e ? e.code : null]), [['engine:state-error', 'journal', 'PIT_E_JOURNAL_WRITE']]);
  freeDisk(filler);
  await until(() => said.some((e) => e.type === 'engine:state-resumed'), 5000, 'the journal to write again');
  assert.equal(said.filter((e) => e.type === 'engine:state-error').length, 1, 'said once');
  assert.equal(j.query({ type: 'process:*:exit', limit: 10_000 }).length, 2001, 'every event of the outage is written');
  assert.deepEqual(readdirSync(dir).filter((f) => f.includes('.bad-')), [], 'not moved aside');
});

const DAY = 86_400_000;
const statsOf = (bus: EventBus, process: string, at: number) =>
  bus.publish('process:stats', process, { process, cpu_percent: 0.2, rss_bytes: 36_000_000, processes: 1 }, at);

test('a simulated week of 20 processes stays within settings.journal.keep: samples and lines are not rows, the whole 7 days are kept', () => {
  const dir = makeProject();
  const bus = new EventBus();
  const start = Date.UTC(2026, 0, 1);
  let now = start;
  const j = Journal.open(dir, keep, () => {}, () => now);
  j.attach(bus);
  const names = Array.from({ length: 20 }, (_, i) => `p${i}`);
  const end = start + 8 * DAY;
  // Every 15 s a sample per process (the default monitor_interval is 5 s: 3x the samples, the same rows;
  // either way, as rows they would pass keep.rows within a day), every minute a line each;
  // every hour each process restarts (4 state changes and an exit); a file change and a cron tick every 10 minutes.
  for (now = start; now < end; now += 15_000) {
    for (const n of names) statsOf(bus, n, now);
    if (now % 60_000 === 0) for (const n of names) bus.publish('process:stdout', n, { process: n, line: 'GET /health 200' }, now);
    if (now % 3_600_000 === 0) {
      for (const n of names) {
        exitOf(bus, n, 1, now);
        for (const [from, to] of [['running', 'exited'], ['exited', 'backoff'], ['backoff', 'starting'], ['starting', 'running']] as const) {
          bus.publish('process:state', n, { process: n, from, to, pid: 1, exit_code: null, signal: null, reason: null }, now);
        }
      }
    }
    if (now % 600_000 === 0) {
      bus.publish('file:change', 'code', { watcher: 'code', paths: ['src/app.py'], changes: [{ path: 'src/app.py', kind: 'change' }] }, now);
      bus.publish('cron:tick', 'nightly', { watcher: 'nightly', scheduled_for: new Date(now).toISOString(), late_ms: 0 }, now);
    }
    if (now % 60_000 === 0) j.flush(); // the journal's own timer, on the simulated clock
  }
  j.flush();
  const db = openDatabase(journalFile(dir), { readonly: true });
  const { n, oldest, samples } = db.prepare(`SELECT count(*) AS n, min(at) AS oldest, sum(name LIKE '%:stats') AS samples FROM events`).get() as { n: number; oldest: number; samples: number };
  db.close();
  j.close();
  const perDay = 20 * 24 * 5 + 2 * 144;
  assert.equal(samples, 0, 'no periodic sample is a row by default');
  assert.ok(n <= keep.rows, `${n} rows, more than keep.rows ${keep.rows}`);
  assert.ok(n <= perDay * 7 + perDay / 24, `${n} rows: about a week of what happened (${perDay} a day), not more`);
  // Pruned as it writes, at most once a minute; the last write (a file change) was 10 minutes before the end.
  assert.ok(oldest >= now - keep.ageMs - 11 * 60_000, `the oldest row is ${((now - oldest) / DAY).toFixed(2)} days old: past the 7-day retention`);
  assert.ok(oldest <= now - keep.ageMs + 3_600_000, `the oldest row is ${((now - oldest) / DAY).toFixed(2)} days old: the 7 days were not all kept`);
});

test('settings.journal.stats keeps one sample per process per interval; a crossed limit is a row without it', () => {
  const dir = makeProject();
  const bus = new EventBus();
  const start = Math.floor(Date.now() / 60_000) * 60_000 - 3_600_000;
  const sampled = Journal.open(dir, { ...keep, statsEveryMs: 60_000 });
  sampled.attach(bus);
  for (let t = start; t < start + 3_600_000; t += 5000) for (const n of ['api', 'worker']) statsOf(bus, n, t);
  const rows = sampled.query({ type: 'process:*:stats', limit: 10_000 });
  assert.equal(rows.filter((e) => e.subject === 'api').length, 60, 'one a minute for api over an hour, not 720');
  assert.equal(rows.filter((e) => e.subject === 'worker').length, 60, 'and one a minute for worker');
  sampled.close();

  const quietDir = makeProject();
  const quietBus = new EventBus();
  const quiet = Journal.open(quietDir, keep);
  quiet.attach(quietBus);
  statsOf(quietBus, 'api', start);
  quietBus.publish('process:limit', 'api', { process: 'api', kind: 'memory', value: 400_000_000, limit: 200_000_000, for_ms: 10_000, action: 'restart', reason: 'memory 381 MiB > 191 MiB for 10 s' }, start);
  assert.deepEqual(quiet.query({}).map((e) => e.name), ['process:api:limit']);
  quiet.close();
});

test('an event keeps its id, cause and reason in the journal, and one journal can be followed from cause to cause', () => {
  const dir = makeProject();
  const bus = new EventBus();
  const j = Journal.open(dir, keep);
  j.attach(bus);
  const change = bus.publish('file:change', 'code', { watcher: 'code', paths: ['src/app.py'], changes: [{ path: 'src/app.py', kind: 'change' }] });
  const state = bus.publish('process:state', 'api', { process: 'api', from: 'running', to: 'stopping', pid: 1, exit_code: null, signal: null, reason: 'src/app.py changed', cause: change.id });
  j.close();
  const found = Journal.readWith(dir, (r) => ({ state: r.query({ type: 'process:api:state' })[0], byId: r.byId(state.cause!), none: r.byId('nope') }))!;
  assert.equal(found.state.id, state.id);
  assert.equal(found.state.cause, change.id);
  assert.equal(found.state.reason, 'src/app.py changed');
  assert.equal(found.byId?.name, 'file:code:change');
  assert.equal(found.none, null);
  const row = openDatabase(journalFile(dir), { readonly: true }).prepare('SELECT event_id, cause, reason, data FROM events WHERE name = ?').get('process:api:state') as Record<string, string>;
  assert.deepEqual([row.event_id, row.cause, row.reason], [state.id, change.id, 'src/app.py changed'], 'in columns, not only in the data');
  assert.ok(!('cause' in JSON.parse(row.data)) && !('id' in JSON.parse(row.data)), 'not stored twice');
});

test('a journal written before causes is read as it is, and gets the cause columns, its rows kept, once an engine opens it', () => {
  const dir = makeProject();
  const old = openDatabase(journalFile(dir));
  old.exec('CREATE TABLE events (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, name TEXT NOT NULL, subject TEXT NOT NULL, data TEXT NOT NULL)');
  old.prepare('INSERT INTO events (at, name, subject, data) VALUES (?, ?, ?, ?)').run(Date.now(), 'process:api:exit', 'api', JSON.stringify({ process: 'api', exit_code: 2 }));
  old.close();
  const readOnly = Journal.read(dir, {})!;
  assert.deepEqual(readOnly.map((e) => [e.name, e.exit_code, e.id]), [['process:api:exit', 2, null]], 'read without changing it');
  const bus = new EventBus();
  const j = Journal.open(dir, keep);
  j.attach(bus);
  exitOf(bus, 'api', 3);
  j.close();
  const rows = Journal.read(dir, {})!;
  assert.deepEqual(rows.map((e) => e.exit_code), [2, 3], 'the old row is kept');
  assert.equal(typeof rows[1].id, 'string');
  assert.equal(openDatabase(journalFile(dir), { readonly: true }).pragma('user_version'), 1);
});

test('writes held for start-up open no database until the hold ends, then every row lands; a close meanwhile writes them too', async () => {
  const dir = makeProject();
  const bus = new EventBus();
  const j = Journal.open(dir, keep);
  let launched!: () => void;
  j.holdWritesUntil(new Promise<void>((resolve) => (launched = resolve)));
  j.attach(bus);
  for (let i = 0; i < 3; i++) exitOf(bus, `p${i}`, i);
  // Four flush intervals (50 ms each) pass: nothing may be written while held.
  await new Promise((r) => setTimeout(r, 200));
  assert.ok(!existsSync(journalFile(dir)), 'no database while the launches are under way');
  launched();
  await until(() => existsSync(journalFile(dir)) && j.query({}).length === 3, 10_000, 'the held rows written');
  j.close();

  const other = makeProject();
  const k = Journal.open(other, keep);
  k.holdWritesUntil(new Promise(() => {}));
  k.attach(bus);
  exitOf(bus, 'api', 1);
  k.close();
  assert.deepEqual(Journal.read(other, {})!.map((e) => e.name), ['process:api:exit'], 'a stop during start-up still writes the rows');
});

test('a query reads every row even when garbage is collected while it iterates', () => {
  const dir = makeProject();
  const bus = new EventBus();
  const j = Journal.open(dir, { ageMs: keep.ageMs, rows: 100_000 });
  j.attach(bus);
  for (let i = 0; i < 20_000; i++) exitOf(bus, 'api', i % 256);
  // Garbage made per row (as the query's own parsing does) makes V8 collect while SQLite steps.
  assert.equal(j.query({ type: 'process:api:exit', limit: 10_000 }).length, 10_000);
  assert.equal(Journal.read(dir, { type: 'process:api:exit', limit: 10_000 })!.length, 10_000);
  j.close();
});

test("the journal runs on Node's own SQLite from Node 22.13, on better-sqlite3 before; both name a failure with SQLite's code", () => {
  assert.equal(chooseSqlite(), semver.gte(process.version, '22.13.0') ? 'node:sqlite' : 'better-sqlite3');
  const dir = makeProject();
  const db = openDatabase(journalFile(dir));
  db.exec('CREATE TABLE t (x)');
  db.transaction(() => db.prepare('INSERT INTO t VALUES (?)').run(1));
  assert.throws(() => db.transaction(() => {
    db.prepare('INSERT INTO t VALUES (?)').run(2);
    throw new Error('half way');
  }), /half way/);
  assert.deepEqual([...db.prepare('SELECT x FROM t').iterate()].map((r) => (r as { x: number }).x), [1], 'the failed transaction left nothing');
  const holder = openDatabase(journalFile(dir));
  holder.exec('BEGIN EXCLUSIVE');
  let busy: unknown;
  try {
    db.exec('BEGIN IMMEDIATE');
  } catch (e) {
    busy = e;
  }
  assert.equal(readSqliteCode(busy), 'SQLITE_BUSY');
  // node:sqlite's numbers, extended codes too (SQLITE_IOERR_WRITE is 778), and better-sqlite3's names.
  assert.deepEqual([{ errcode: 13 }, { errcode: 778 }, { errcode: 5 }, { code: 'SQLITE_FULL' }].map(readSqliteCode), ['SQLITE_FULL', 'SQLITE_IOERR', 'SQLITE_BUSY', 'SQLITE_FULL']);
  holder.exec('ROLLBACK');
  holder.close();
  db.close();
});
