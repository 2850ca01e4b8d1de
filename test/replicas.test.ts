// replicas with real children: each copy runs on its own, engine scale and a
// reload change the count without touching the replicas that stay, and
// depends_on on the group waits for every replica.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEngine, nodeCommand, type TestEngine } from './helpers/engine.js';
import { fixture } from './helpers/paths.js';
import { freePortRange } from './helpers/port.js';
import { logPath } from '../core/state-dir.js';
import type { PitEvent } from '../core/events/catalog.js';

const server = JSON.stringify([process.execPath, fixture('programs', 'replica-server.mjs')]);
const idle = nodeCommand(`console.log('replica ' + process.env.PIT_REPLICA + '/' + process.env.PIT_REPLICAS + ' pid ' + process.pid); setInterval(() => {}, 1000)`);
const names = (n: number, from = 1) => Array.from({ length: n - from + 1 }, (_, i) => `api.${from + i}`);

/** Resolves once each of `procs` has had `type` (already or later). */
const each = (t: TestEngine, procs: string[], type: 'healthy' | 'running') =>
  Promise.all(
    procs.map((n) => {
      const is = (e: PitEvent) => (type === 'healthy' ? e.type === 'process:healthy' : e.type === 'process:state' && e.to === 'running') && e.subject === n;
      return t.events.some(is) ? null : t.engine.bus.next(`process:${n}:${type === 'healthy' ? 'healthy' : 'state'}`, { withinMs: 20_000, where: is });
    }),
  );
const pids = (t: TestEngine) => Object.fromEntries([...t.engine.supervisors].map(([n, s]) => [n, s.pid]));
const stoppedNames = (t: TestEngine, since: number) => t.events.slice(since).flatMap((e) => (e.type === 'process:state' && e.to === 'stopped' ? [e.subject] : []));
const startedNames = (t: TestEngine, since: number) => t.events.slice(since).flatMap((e) => (e.type === 'process:state' && e.to === 'starting' ? [e.subject] : []));

test('three replicas run with their own PIT_REPLICA, port and log file, and a dependent on the group waits until all are healthy', async () => {
  const base = await freePortRange(3);
  const t = await startEngine(`version: 1
processes:
  api:
    command: ${server}
    replicas: 3
    replica_env: { PORT: { base: ${base} } }
    health: { http: "http://127.0.0.1:${base}/health", interval: 200ms }
  web: { command: ${nodeCommand('setInterval(() => {}, 1000)')}, depends_on: { api: healthy } }
`);
  await each(t, names(3), 'healthy');
  await each(t, ['web'], 'running');
  assert.deepEqual([...t.engine.supervisors.keys()].sort(), ['api.1', 'api.2', 'api.3', 'web']);
  for (const i of [1, 2, 3]) assert.match(await t.line(`api.${i}`, /^replica/), new RegExp(`^replica ${i}/3 port ${base + i - 1} pid`));
  for (const n of names(3)) assert.ok(existsSync(logPath(t.engine.pitfile.settings.stateDir, n)), `${n} has its own log file`);
  const webStarts = t.events.findIndex((e) => e.type === 'process:state' && e.subject === 'web' && e.to === 'starting');
  for (const n of names(3)) {
    const healthy = t.events.findIndex((e) => e.type === 'process:healthy' && e.subject === n);
    assert.ok(healthy >= 0 && healthy < webStarts, `web started only after ${n} was healthy`);
  }
});

test('engine scale starts new replicas and stops the highest-numbered, leaving the others running', async () => {
  const t = await startEngine(`version: 1\nprocesses:\n  api: { command: ${idle}, replicas: 2 }\n`);
  await each(t, names(2), 'running');
  const before = pids(t);
  let mark = t.events.length;
  const up = await t.engine.scale('api', 4, { reason: 'engine scale (test)' });
  assert.deepEqual(up, { added: ['api.3', 'api.4'], removed: [], changed: [] });
  await each(t, names(4, 3), 'running');
  assert.match(await t.line('api.4', /^replica/), /^replica 4\/4 /, 'a new replica sees the new count');
  assert.deepEqual(startedNames(t, mark).sort(), ['api.3', 'api.4'], 'only the new replicas started');
  assert.deepEqual([pids(t)['api.1'], pids(t)['api.2']], [before['api.1'], before['api.2']]);
  assert.deepEqual({ count: t.engine.pitfile.replicas.api.count, written: t.engine.pitfile.replicas.api.written }, { count: 4, written: 2 });
  // A replica that kept running learns the new count at its next start.
  await t.engine.restartProcesses(['api.2']);
  assert.match(await t.line('api.2', /^replica 2\/4 /), /^replica 2\/4 /);
  before['api.2'] = pids(t)['api.2'];

  mark = t.events.length;
  const down = await t.engine.scale('api', 1, { reason: 'engine scale (test)' });
  assert.deepEqual(down.removed.sort(), ['api.2', 'api.3', 'api.4']);
  assert.deepEqual(stoppedNames(t, mark).sort(), ['api.2', 'api.3', 'api.4'], 'the highest-numbered stopped');
  const stop = t.events.slice(mark).find((e) => e.type === 'process:state' && e.to === 'stopping');
  assert.ok(stop?.type === 'process:state' && /engine scale \(test\): 4 → 1 replicas/.test(stop.reason ?? ''), 'the stop says who scaled');
  assert.deepEqual([...t.engine.supervisors.keys()], ['api.1']);
  assert.equal(pids(t)['api.1'], before['api.1'], 'api.1 was never restarted');
  await assert.rejects(t.engine.scale('nope', 2), { code: 'PIT_E_PROCESS_SCALE' });
  await assert.rejects(t.engine.scale('api', 0), { code: 'PIT_E_PROCESS_SCALE' });
});

test('a reload that changes replicas adds or removes replicas without restarting the others, and keeps a scale it does not change', async () => {
  const file = (n: number, extra = '') => `version: 1\nprocesses:\n  api: { command: ${idle}, replicas: ${n} }\n${extra}`;
  const t = await startEngine(file(3));
  await each(t, names(3), 'running');
  const before = pids(t);
  let mark = t.events.length;
  writeFileSync(join(t.dir, 'pitfile.yaml'), file(5));
  assert.deepEqual(await t.engine.reload(), { diff: { added: ['api.4', 'api.5'], removed: [], changed: [] } });
  await each(t, names(5, 4), 'running');
  assert.deepEqual(startedNames(t, mark).sort(), ['api.4', 'api.5']);
  assert.deepEqual(stoppedNames(t, mark), [], 'nothing stopped');
  for (const n of names(3)) assert.equal(pids(t)[n], before[n], `${n} kept its pid`);

  mark = t.events.length;
  writeFileSync(join(t.dir, 'pitfile.yaml'), file(2));
  const shrink = await t.engine.reload();
  assert.ok('diff' in shrink);
  assert.deepEqual(shrink.diff.removed.sort(), ['api.3', 'api.4', 'api.5']);
  assert.deepEqual(stoppedNames(t, mark).sort(), ['api.3', 'api.4', 'api.5']);
  assert.deepEqual([pids(t)['api.1'], pids(t)['api.2']], [before['api.1'], before['api.2']]);

  // Scaled by a person, then an unrelated save: the scale holds.
  await t.engine.scale('api', 3);
  writeFileSync(join(t.dir, 'pitfile.yaml'), file(2, `  other: { command: ${idle} }\n`));
  assert.deepEqual(await t.engine.reload(), { diff: { added: ['other'], removed: [], changed: [] } });
  assert.equal(t.engine.pitfile.replicas.api.count, 3);
});

test('a reaction that restarts the group (or a glob matching it and its replicas) restarts each replica once', async () => {
  const t = await startEngine(`version: 1
processes:
  api: { command: ${idle}, replicas: 2 }
watchers:
  code: { paths: ["src/**"], debounce: 50ms }
reactions:
  - on: file:code
    do: [{ restart: ["api*"] }]
`, { 'src/.keep': '' });
  await each(t, names(2), 'running');
  const before = pids(t);
  const mark = t.events.length;
  const ran = t.engine.bus.next('reaction:*:run', { withinMs: 10_000 });
  writeFileSync(join(t.dir, 'src', 'app.js'), 'changed');
  await ran;
  await Promise.all(names(2).map((n) => t.engine.bus.next(`process:${n}:state`, { withinMs: 10_000, where: (e) => e.type === 'process:state' && e.to === 'running' })));
  assert.deepEqual(t.events.slice(mark).flatMap((e) => (e.type === 'process:state' && e.to === 'stopping' ? [e.subject] : [])).sort(), ['api.1', 'api.2'], 'each replica stopped once');
  for (const n of names(2)) assert.notEqual(pids(t)[n], before[n], `${n} restarted`);
});
