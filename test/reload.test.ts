import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, writeFileSync, renameSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { startEngine, nodeCommand } from './helpers/engine.js';
import { makeProject } from './helpers/project.js';
import { runEngineProcess } from './helpers/engine-process.js';
import type { PitEvent } from '../core/events/catalog.js';

const idle = (tag: string) => nodeCommand(`console.log(${JSON.stringify(tag)} + ' ' + process.pid); setInterval(() => {}, 1000)`);
const running = (e: PitEvent) => e.type === 'process:state' && e.to === 'running';
const pitfile = (procs: Record<string, string>) =>
  `version: 1\nprocesses:\n${Object.entries(procs).map(([n, c]) => `  ${n}: { command: ${c} }\n`).join('')}`;

test('a reload keeps unchanged processes (same pid), restarts changed, starts added, stops removed', async () => {
  const { engine, dir } = await startEngine(pitfile({ keep: idle('keep'), change: idle('v1'), drop: idle('drop') }));
  await Promise.all(['keep', 'change', 'drop'].map((n) => engine.bus.next(`process:${n}:state`, { where: running })));
  const pids = Object.fromEntries(['keep', 'change', 'drop'].map((n) => [n, engine.supervisors.get(n)!.pid]));
  writeFileSync(join(dir, 'pitfile.yaml'), pitfile({ keep: idle('keep'), change: idle('v2'), added: idle('new') }));
  const outcome = await engine.reload();
  assert.deepEqual(outcome, { diff: { added: ['added'], removed: ['drop'], changed: ['change'] } });
  await Promise.all(['change', 'added'].map((n) => engine.bus.next(`process:${n}:state`, { where: running })));
  assert.equal(engine.supervisors.get('keep')!.pid, pids.keep);
  assert.notEqual(engine.supervisors.get('change')!.pid, pids.change);
  assert.equal(engine.supervisors.has('drop'), false);
  assert.throws(() => process.kill(pids.drop!, 0), 'the removed process is gone');
});

test('an invalid edit is reported with line:column and changes nothing; fixing it applies', async () => {
  const { engine, dir } = await startEngine(pitfile({ a: idle('a') }));
  await engine.bus.next('process:a:state', { where: running });
  const pid = engine.supervisors.get('a')!.pid;
  writeFileSync(join(dir, 'pitfile.yaml'), `version: 1\nprocesses:\n  a: { command: ${idle('a')}, restart: { policy: sometimes } }\n`);
  const invalid = engine.bus.next('config:invalid');
  assert.deepEqual(Object.keys(await engine.reload()), ['errors']);
  const e = await invalid;
  assert.ok(e.type === 'config:invalid');
  assert.deepEqual(e.errors.map((x) => [x.code, x.line, x.path]), [['PIT_E_CONFIG_ENUM', 3, 'processes.a.restart.policy']]);
  assert.equal(engine.supervisors.get('a')!.pid, pid, 'still the same process');
  writeFileSync(join(dir, 'pitfile.yaml'), `version: 1\nprocesses:\n  a: { command: ${idle('a')}, restart: { policy: always } }\n`);
  assert.deepEqual(await engine.reload(), { diff: { added: [], removed: [], changed: ['a'] } });
});

test('engine run applies a saved pitfile by itself, and reloads on SIGHUP', async () => {
  const dir = makeProject({ 'pitfile.yaml': pitfile({ a: idle('first') }) });
  const run = runEngineProcess(dir);
  await run.waitFor(/a\s+\| first \d+/);
  // Saved the way editors do: a new file renamed over the old one.
  writeFileSync(join(dir, 'pitfile.tmp'), pitfile({ a: idle('first'), b: idle('second') }));
  renameSync(join(dir, 'pitfile.tmp'), join(dir, 'pitfile.yaml'));
  await run.waitFor(/pitfile reloaded: \+b/);
  await run.waitFor(/b\s+\| second \d+/);
  run.child.kill('SIGHUP');
  await run.waitFor(/pitfile reloaded \(no process changed\)/);
  writeFileSync(join(dir, 'pitfile.yaml'), 'version: 1\nprocesses:\n  a: { command: [x], autostart: maybe }\n');
  await run.waitFor(/pitfile not reloaded, keeping the running config/);
  await run.waitFor(/pitfile\.yaml:3:\d+: processes\.a\.autostart must be true or false/);
  run.child.kill('SIGINT');
  assert.equal(await run.exited, 0);
});

// api is healthy once the file "ready" exists: the test opens that gate.
const gatedApi = (env: string) => `  api:
    command: ${idle('api')}
    env: { V: "${env}" }
    health: { exec: [test, -f, ready], interval: 100ms }
`;

test('a dependent waiting for a dependency follows it across a reload that replaces it', async () => {
  const worker = `  worker: { command: ${idle('worker')}, depends_on: { api: healthy } }\n`;
  const { engine, dir, events } = await startEngine(`version: 1\nprocesses:\n${gatedApi('1')}${worker}`);
  await engine.bus.next('process:api:state', { where: running });
  const oldApi = engine.supervisors.get('api')!;
  writeFileSync(join(dir, 'pitfile.yaml'), `version: 1\nprocesses:\n${gatedApi('2')}${worker}`);
  const newApiRunning = engine.bus.next('process:api:state', { where: running, withinMs: 10_000 });
  assert.deepEqual(await engine.reload(), { diff: { added: [], removed: [], changed: ['api'] } });
  await newApiRunning;
  assert.notEqual(engine.supervisors.get('api'), oldApi, 'api was replaced');
  assert.equal(engine.supervisors.get('worker')!.state, 'waiting', 'the worker still waits: api is not healthy yet');
  assert.equal(engine.supervisors.get('worker')!.waitingFor, 'api: healthy');
  const workerRunning = engine.bus.next('process:worker:state', { where: running, withinMs: 10_000 });
  writeFileSync(join(dir, 'ready'), '');
  await workerRunning;
  const healthy = events.findIndex((e) => e.type === 'process:healthy' && e.subject === 'api');
  const workerStart = events.findIndex((e) => e.type === 'process:state' && e.subject === 'worker' && e.to === 'starting');
  assert.ok(healthy >= 0 && workerStart > healthy, 'the worker started after the new api was healthy, not before');
});

test('a reload may not remove a process another depends on; removing the dependency too starts the dependent', async () => {
  const { engine, dir } = await startEngine(`version: 1\nprocesses:\n${gatedApi('1')}  worker: { command: ${idle('worker')}, depends_on: { api: healthy } }\n`);
  await engine.bus.next('process:api:state', { where: running });
  writeFileSync(join(dir, 'pitfile.yaml'), `version: 1\nprocesses:\n  worker: { command: ${idle('worker')}, depends_on: { api: healthy } }\n`);
  const refused = await engine.reload();
  assert.ok('errors' in refused);
  assert.deepEqual(refused.errors.map((e) => e.code), ['PIT_E_CONFIG_DEPENDENCY_MISSING']);
  assert.equal(engine.supervisors.get('api')!.state, 'running', 'nothing changed');
  writeFileSync(join(dir, 'pitfile.yaml'), `version: 1\nprocesses:\n  worker: { command: ${idle('worker')} }\n`);
  const workerRunning = engine.bus.next('process:worker:state', { where: running, withinMs: 10_000 });
  assert.deepEqual(await engine.reload(), { diff: { added: [], removed: ['api'], changed: ['worker'] } });
  await workerRunning;
});

test('a pitfile rewritten in place, first half then the rest, is applied once and whole: no process of the second half is stopped', async () => {
  const { engine, dir, events } = await startEngine(pitfile({ a: idle('a'), b: idle('b') }));
  await Promise.all(['a', 'b'].map((n) => engine.bus.next(`process:${n}:state`, { where: running })));
  const stopWatching = engine.watchConfig();
  try {
    const reloaded = engine.bus.next('config:reloaded', { withinMs: 10_000 });
    const next = pitfile({ a: idle('a'), b: idle('b'), c: idle('c') });
    const half = pitfile({ a: idle('a') });
    assert.ok(next.startsWith(half), 'the first write alone is a valid pitfile with only a');
    // An editor that truncates and writes in place: for 100 ms the file holds only "a"
    // (the gap is the scenario, shorter than the quiet time; not a wait).
    writeFileSync(join(dir, 'pitfile.yaml'), half);
    await sleep(100);
    appendFileSync(join(dir, 'pitfile.yaml'), next.slice(half.length));
    const e = await reloaded;
    assert.ok(e.type === 'config:reloaded');
    assert.deepEqual([e.added, e.removed, e.changed], [['c'], [], []]);
    await engine.bus.next('process:c:state', { where: running });
    assert.equal(events.filter((x) => x.type === 'config:reloaded').length, 1, 'one reload');
    assert.ok(!events.some((x) => x.type === 'process:state' && x.process === 'b' && x.to === 'stopping'), 'b was never stopped');
  } finally {
    stopWatching();
  }
});

test('a pitfile saved with invalid UTF-8 is refused with its line and column, and the running process is kept', async () => {
  const { engine, dir } = await startEngine(pitfile({ a: idle('a') }));
  await engine.bus.next('process:a:state', { where: running });
  const pid = engine.supervisors.get('a')!.pid;
  // The same pitfile with a Latin-1 "é" added in a comment-free value: decoded loosely it would be a change.
  writeFileSync(join(dir, 'pitfile.yaml'), Buffer.concat([Buffer.from(`version: 1\nprocesses:\n  a: { command: ${idle('a')}, env: { NAME: "caf`), Buffer.from([0xe9]), Buffer.from('" } }\n')]));
  const outcome = await engine.reload();
  assert.ok('errors' in outcome);
  assert.deepEqual(outcome.errors.map((e) => [e.code, e.line]), [['PIT_E_CONFIG_ENCODING', 3]]);
  assert.ok(outcome.errors[0].column! > 1);
  assert.equal(engine.supervisors.get('a')!.pid, pid, 'still the same process');
  assert.equal(engine.pitfile.processes.a.env.NAME, undefined, 'the running config is kept');
});
