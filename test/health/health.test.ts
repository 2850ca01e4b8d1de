// What a health check's results do over a run, with real children and real
// probes: readiness only or liveness too, start_period as Compose has it,
// and a startup check as Kubernetes has it (issue 21, point 3).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { startEngine } from '../helpers/engine.js';
import { fixture } from '../helpers/paths.js';
import { until } from '../helpers/wait.js';
import type { PitEvent } from '../../core/events/catalog.js';

const says = (...steps: string[]) => JSON.stringify([process.execPath, fixture('programs', 'say-at-gates.mjs'), ...steps]);
const isState = (to: string) => (e: PitEvent) => e.type === 'process:state' && e.to === to;
/** Probes counted by the probe itself: one line in "probed" each time it runs. */
const countedProbe = (test: string) => `"echo x >> probed; ${test}"`;
const probes = (dir: string) => (existsSync(join(dir, 'probed')) ? readFileSync(join(dir, 'probed'), 'utf8').split('\n').length - 1 : 0);

test('a readiness-only probe that fails is reported with its cause and never restarts the process', async () => {
  const { engine, dir, events } = await startEngine(
    `version: 1\nprocesses:\n  api:\n    command: ${says('out:up')}\n    restart: { on_unhealthy: true }\n    health: { exec: ${countedProbe('test -f ok')}, interval: 100ms, failures: 2, restart: false }\n`,
  );
  const unhealthy = await engine.bus.next('process:api:unhealthy');
  assert.ok(unhealthy.type === 'process:unhealthy');
  assert.equal(unhealthy.reason, 'probe command exited with 1');
  const api = engine.supervisors.get('api')!;
  const pid = api.pid;
  // Probing goes on; a probe that passes again makes it healthy, in the same run.
  const healthy = engine.bus.next('process:api:healthy');
  const seen = probes(dir);
  await until(() => probes(dir) >= seen + 3, 10_000, 'three more failing probes');
  writeFileSync(join(dir, 'ok'), '');
  await healthy;
  assert.equal(api.restarts, 0);
  assert.equal(api.pid, pid, 'the same run');
  assert.ok(!events.some(isState('stopping')), 'never stopped');
});

test('health.restart: true restarts an unhealthy process, saying why', async () => {
  const { engine } = await startEngine(
    `version: 1\nprocesses:\n  api:\n    command: ${says('out:up')}\n    health: { exec: "exit 3", interval: 100ms, failures: 2, restart: true }\n`,
  );
  // The restart follows in the same turn as the verdict: listen for both first.
  const stops = engine.bus.next('process:api:state', { where: isState('stopping') });
  const unhealthy = await engine.bus.next('process:api:unhealthy');
  const stopping = await stops;
  assert.ok(stopping.type === 'process:state');
  assert.equal(stopping.cause, unhealthy.id);
  assert.equal(stopping.reason, 'unhealthy after 2 failed probes: probe command exited with 3');
});

test('failures during start_period do not count, and the first pass ends it (as in Compose)', async () => {
  const { engine, dir, events } = await startEngine(
    `version: 1\nprocesses:\n  api:\n    command: ${says('out:up')}\n    health: { exec: ${countedProbe('test -f ok')}, interval: 100ms, failures: 1, start_period: 1h }\n`,
  );
  await until(() => probes(dir) >= 4, 10_000, 'four failing probes in the start period');
  assert.ok(!events.some((e) => e.type === 'process:unhealthy'), 'failures in the start period do not count');
  const healthy = engine.bus.next('process:api:healthy');
  writeFileSync(join(dir, 'ok'), '');
  await healthy;
  // Still within the hour, but it has passed once: the next failure counts.
  const unhealthy = engine.bus.next('process:api:unhealthy');
  rmSync(join(dir, 'ok'));
  await unhealthy;
});

test('until the startup check passes the health check is not probed; then its failures count', async () => {
  const { engine, dir, events } = await startEngine(
    `version: 1\nprocesses:\n  api:\n    command: ${says('out:up')}\n    health:\n      exec: ${countedProbe('test -f ok')}\n      interval: 100ms\n      failures: 1\n      restart: true\n      startup: { exec: "echo s >> starts; test -f go", interval: 100ms, within: 1h }\n`,
  );
  const starts = () => (existsSync(join(dir, 'starts')) ? readFileSync(join(dir, 'starts'), 'utf8').split('\n').length - 1 : 0);
  await until(() => starts() >= 4, 10_000, 'four failing startup probes');
  assert.equal(probes(dir), 0, 'no health probe before the startup check passed');
  assert.equal(engine.supervisors.get('api')!.healthy, null);
  const stops = engine.bus.next('process:api:state', { where: isState('stopping') });
  const unhealthy = engine.bus.next('process:api:unhealthy');
  writeFileSync(join(dir, 'go'), '');
  const e = await unhealthy;
  assert.equal(e.reason, 'probe command exited with 1');
  assert.equal((await stops).cause, e.id);
  assert.ok(!events.some((x) => x.type === 'process:unhealthy' && /not started/.test(x.reason ?? '')));
});

test('a log startup check lets the health check start at its line', async () => {
  const { engine, dir, line } = await startEngine(
    `version: 1\nprocesses:\n  api:\n    command: ${says('out:booting', 'wait:go', 'out:\x1b[1mready\x1b[0m')}\n    health: { exec: ${countedProbe('true')}, interval: 100ms, startup: { log: "^ready$" } }\n`,
  );
  await line('api', /booting/);
  assert.equal(probes(dir), 0, 'not probed before the line');
  const healthy = engine.bus.next('process:api:healthy');
  writeFileSync(join(dir, 'go'), '');
  const e = await healthy;
  assert.equal(e.reason, 'probe command exited with 0');
  assert.ok(probes(dir) >= 1);
});

test('without a check of its own, a startup waits for the health check to pass once: failures before do not count', async () => {
  const { engine, dir, events } = await startEngine(
    `version: 1\nprocesses:\n  api:\n    command: ${says('out:up')}\n    health: { exec: ${countedProbe('test -f ok')}, interval: 100ms, failures: 1, restart: true, startup: { within: 1h } }\n`,
  );
  await until(() => probes(dir) >= 4, 10_000, 'four failing probes before the first pass');
  assert.ok(!events.some((e) => e.type === 'process:unhealthy'), 'failures before the start do not count');
  const healthy = engine.bus.next('process:api:healthy');
  writeFileSync(join(dir, 'ok'), '');
  await healthy;
  const restarted = engine.bus.next('process:api:state', { where: isState('stopping') });
  rmSync(join(dir, 'ok'));
  await restarted;
});

test('a slow starter past its startup budget is reported unhealthy with why, and not restarted', async () => {
  const { engine, dir, events } = await startEngine(
    `version: 1\nprocesses:\n  api:\n    command: ${says('out:booting', 'wait:go', 'out:Listening on :8080')}\n    health: { log: "Listening on", startup: { within: 300ms } }\n`,
  );
  const late = await engine.bus.next('process:api:unhealthy');
  assert.equal(late.reason, 'not started within 300ms (health.startup.within); last: no output line has matched "Listening on"');
  const api = engine.supervisors.get('api')!;
  assert.equal(api.healthy, false);
  // It may still come up: the line makes it healthy in the same run.
  const healthy = engine.bus.next('process:api:healthy');
  writeFileSync(join(dir, 'go'), '');
  await healthy;
  assert.equal(api.healthy, true);
  assert.equal(api.restarts, 0);
  assert.ok(!events.some(isState('stopping')), 'never stopped');
});

test('with startup.restart, a slow starter is restarted past its budget, with the budget as the cause', async () => {
  const { engine } = await startEngine(
    `version: 1\nprocesses:\n  api:\n    command: ${says('out:booting')}\n    health: { http: "http://127.0.0.1:9/never", startup: { http: "http://127.0.0.1:9/", interval: 100ms, within: 300ms, restart: true } }\n`,
  );
  const stops = engine.bus.next('process:api:state', { where: isState('stopping') });
  const late = await engine.bus.next('process:api:unhealthy');
  assert.match(late.reason!, /^not started within 300ms \(health\.startup\.within\); last: GET http:\/\/127\.0\.0\.1:9\/ failed: /);
  const stopping = await stops;
  assert.equal(stopping.cause, late.id);
  await engine.bus.next('process:api:state', { where: isState('running') });
});
