// engine restart api --rolling with real replicas behind real health checks:
// one at a time, never fewer than all but one healthy, and a replica that
// does not come back healthy ends the roll before the next one is touched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEngine, type TestEngine } from '../helpers/engine.js';
import { fixture } from '../helpers/paths.js';
import { freePortRange } from '../helpers/port.js';
import type { PitEvent } from '../../core/events/catalog.js';

const server = JSON.stringify([process.execPath, fixture('programs', 'replica-server.mjs')]);
const replicas = ['api.1', 'api.2', 'api.3'];

/**
 * start_period: failed probes while a replica boots do not count (a loaded
 * machine starts node slowly); a 500 after it does, which is what the
 * failing roll waits for.
 */
async function threeHealthy(startPeriod = '10s'): Promise<TestEngine> {
  const base = await freePortRange(3);
  const t = await startEngine(`version: 1
processes:
  api:
    command: ${server}
    replicas: 3
    replica_env: { PORT: { base: ${base} } }
    health: { http: "http://127.0.0.1:${base}/health", interval: 100ms, failures: 2, start_period: ${startPeriod} }
`);
  await Promise.all(
    replicas.map((n) => (t.events.some((e) => e.type === 'process:healthy' && e.subject === n) ? null : t.engine.bus.next(`process:${n}:healthy`, { withinMs: 20_000 }))),
  );
  return t;
}

/** Which replicas are healthy after each event from now on: healthy adds, unhealthy or leaving running removes. */
function followHealthy(t: TestEngine): { samples: number[]; stop: () => void } {
  const healthy = new Set(replicas);
  const samples: number[] = [];
  const stop = t.engine.bus.on('process:*', (e: PitEvent) => {
    if (e.type === 'process:healthy') healthy.add(e.subject);
    else if (e.type === 'process:unhealthy' || (e.type === 'process:state' && e.from === 'running')) healthy.delete(e.subject);
    else return;
    samples.push(healthy.size);
  });
  return { samples, stop };
}

const pidsOf = (t: TestEngine) => replicas.map((n) => t.engine.supervisors.get(n)!.pid);

test('a rolling restart of 3 replicas restarts each once, in order, and never has fewer than 2 healthy', async () => {
  const t = await threeHealthy();
  const before = pidsOf(t);
  const mark = t.events.length;
  const watch = followHealthy(t);
  await t.engine.restartRolling('api', { reason: 'engine restart (test), rolling' });
  watch.stop();
  const after = pidsOf(t);
  replicas.forEach((n, i) => assert.notEqual(after[i], before[i], `${n} was restarted`));
  const events = t.events.slice(mark);
  const stops = events.flatMap((e, i) => (e.type === 'process:state' && e.to === 'stopping' ? [[e.subject, i] as const] : []));
  assert.deepEqual(stops.map(([n]) => n), replicas, 'each stopped once, in order');
  // Each replica goes only after the one before it is healthy again.
  for (let k = 1; k < stops.length; k++) {
    const prevHealthy = events.findIndex((e) => e.type === 'process:healthy' && e.subject === replicas[k - 1]);
    assert.ok(prevHealthy >= 0 && prevHealthy < stops[k][1], `${replicas[k]} stopped after ${replicas[k - 1]} was healthy`);
  }
  assert.ok(watch.samples.length >= 6, `the health changes were seen (${watch.samples})`);
  assert.ok(Math.min(...watch.samples) >= 2, `never fewer than 2 healthy: ${watch.samples.join(' ')}`);
  assert.equal(watch.samples.at(-1), 3, 'all healthy at the end');
  const reason = events.find((e) => e.type === 'process:state' && e.to === 'stopping' && e.subject === 'api.2');
  assert.ok(reason?.type === 'process:state' && /rolling: replica 2 of 3/.test(reason.reason ?? ''), 'each stop says it is part of the roll');
});

test('a replica that does not become healthy stops the roll with PIT_E_PROCESS_ROLLING, and the next replica is not touched', async () => {
  const t = await threeHealthy('4s');
  const before = pidsOf(t);
  // api.2's next start is a bad release: its /health answers 500.
  writeFileSync(join(t.dir, 'unhealthy-2'), '');
  const mark = t.events.length;
  await assert.rejects(t.engine.restartRolling('api'), (e: Error & { code?: string }) => {
    assert.equal(e.code, 'PIT_E_PROCESS_ROLLING');
    assert.match(e.message, /stopped at api\.2: unhealthy after 2 failed probes: .*500.*; not restarted: api\.3/);
    return true;
  });
  const after = pidsOf(t);
  assert.notEqual(after[0], before[0], 'api.1 was restarted');
  assert.equal(after[2], before[2], 'api.3 still runs the old version');
  const touched = t.events.slice(mark).filter((e) => e.type === 'process:state' && e.subject === 'api.3');
  assert.deepEqual(touched, [], 'api.3 never changed state');
});
