import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startEngine, nodeCommand } from '../helpers/engine.js';
import { until } from '../helpers/wait.js';
import { isAlive } from '../helpers/proc.js';
import { fixture } from '../helpers/paths.js';
import type { PitEvent } from '../../core/events/catalog.js';



test('a crashing process restarts with a delay that doubles', async () => {
  const { engine } = await startEngine(
    `version: 1\nprocesses:\n  crash:\n    command: ${nodeCommand('process.exit(3)')}\n    restart: { policy: on-failure, delay: 200ms, max_delay: 800ms, max_restarts: 10, window: 1m }\n`,
  );
  const starts: number[] = [];
  await new Promise<void>((resolve) => {
    engine.bus.on('process:crash:state', (e) => {
      if (e.type === 'process:state' && e.to === 'starting') starts.push(e.at);
      if (starts.length === 4) resolve();
    });
  });
  await engine.supervisors.get('crash')!.stop();
  const gaps = starts.slice(1).map((t, i) => t - starts[i]);
  // Each gap is the delay plus the time to spawn and crash: generous upper bounds.
  [200, 400, 800].forEach((delay, i) => {
    assert.ok(gaps[i] >= delay, `gap ${i} was ${gaps[i]}ms, expected at least ${delay}ms`);
    assert.ok(gaps[i] < delay + 2000, `gap ${i} was ${gaps[i]}ms`);
  });
});

test('a zero restart delay restarts at once, again and again; a stop while it waits leaves it stopped', async () => {
  const { engine } = await startEngine(
    `version: 1\nprocesses:\n  quick:\n    command: ${nodeCommand('process.exit(1)')}\n    restart: { delay: 0ms, max_restarts: 1000, window: 1m }\n`,
  );
  const sup = engine.supervisors.get('quick')!;
  const afterStop: string[] = [];
  let stopped = false;
  await new Promise<void>((resolve) => {
    engine.bus.on('process:quick:state', (e) => {
      if (e.type !== 'process:state') return;
      if (stopped) afterStop.push(e.to);
      // The third restart is scheduled, not yet launched: stop now.
      if (e.to === 'backoff' && sup.restarts === 3 && !stopped) {
        stopped = true;
        void sup.stop();
        resolve();
      }
    });
  });
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(sup.state, 'stopped');
  assert.equal(sup.restarts, 3);
  assert.deepEqual(afterStop, ['stopped']);
});

test('a crash loop ends in fatal once max_restarts is spent, saying why and how to reset', async () => {
  const { engine } = await startEngine(
    `version: 1\nprocesses:\n  loop:\n    command: ${nodeCommand('process.exit(1)')}\n    restart: { delay: 10ms, max_restarts: 3, window: 1m }\n`,
  );
  const fatal = (await engine.bus.next('process:loop:state', { where: (e) => e.type === 'process:state' && e.to === 'fatal', withinMs: 15_000 })) as Extract<PitEvent, { type: 'process:state' }>;
  assert.equal(engine.supervisors.get('loop')!.restarts, 3);
  assert.match(fatal.reason!, /gave up after 3 restarts within 1m/);
  assert.match(fatal.reason!, /engine restart loop/);
  assert.equal(fatal.exit_code, 1);
});

test('restart policy never leaves a crashed process exited, on-failure leaves a clean exit alone', async () => {
  const { engine } = await startEngine(
    `version: 1\nprocesses:\n  once:\n    command: ${nodeCommand('process.exit(2)')}\n    restart: { policy: never }\n  clean:\n    command: ${nodeCommand('process.exit(0)')}\n`,
  );
  const exits = ['once', 'clean'].map((n) => engine.bus.next(`process:${n}:state`, { where: (e) => e.type === 'process:state' && e.to === 'exited' }));
  await Promise.all(exits);
  const states = ['once', 'clean'].map((n) => engine.supervisors.get(n)!);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(states.map((s) => [s.state, s.restarts]), [['exited', 0], ['exited', 0]]);
});

test('stop escalates to SIGKILL after stop.timeout for a child that ignores SIGTERM', async () => {
  const { engine, line } = await startEngine(
    `version: 1\nprocesses:\n  stubborn:\n    command: ${nodeCommand("process.on('SIGTERM', () => console.log('ignored')); console.log('ready'); setInterval(() => {}, 1000)")}\n    stop: { timeout: 500ms }\n`,
  );
  await line('stubborn', /ready/);
  const sup = engine.supervisors.get('stubborn')!;
  const started = Date.now();
  await sup.stop();
  const took = Date.now() - started;
  assert.equal(sup.state, 'stopped');
  assert.equal(sup.lastExit?.signal, 'SIGKILL');
  assert.equal(sup.lastStopKilled, true);
  assert.ok(took >= 450 && took < 5000, `stop took ${took}ms`);
});

test('grandchildren are gone after stop', async () => {
  const { engine, line } = await startEngine(
    `version: 1\nprocesses:\n  tree:\n    command: "sleep 300 & a=$!; sleep 300 & b=$!; echo kids $a $b; wait"\n`,
  );
  const kids = (await line('tree', /^kids /)).split(' ').slice(1).filter(Boolean).map(Number);
  assert.equal(kids.length, 2);
  assert.ok(kids.every(isAlive));
  await engine.supervisors.get('tree')!.stop();
  await until(() => kids.every((p) => !isAlive(p)), 5000, 'grandchildren to be gone');
});

test('a missing command ends in fatal and does not affect another process', async () => {
  const { engine, line } = await startEngine(
    `version: 1\nprocesses:\n  broken:\n    command: [/nonexistent/bin/tool]\n    restart: { delay: 10ms, max_restarts: 2 }\n  fine:\n    command: ${nodeCommand("console.log('up'); setInterval(() => {}, 1000)")}\n`,
  );
  const fatal = await engine.bus.next('process:broken:state', { where: (e) => e.type === 'process:state' && e.to === 'fatal' });
  assert.ok(fatal.type === 'process:state');
  assert.match(fatal.reason!, /\/nonexistent\/bin\/tool/);
  await line('fine', /up/);
  assert.equal(engine.supervisors.get('fine')!.state, 'running');
});

test('a child that forks 50 grandchildren and exits leaves none behind', async () => {
  const forker = JSON.stringify([process.execPath, fixture('programs', 'forker.mjs'), '50']);
  const { engine, line } = await startEngine(`version: 1\nprocesses:\n  forker:\n    command: ${forker}\n    restart: { policy: never }\n    stop: { timeout: 2s }\n`);
  const pids: number[] = JSON.parse(await line('forker', /^\[/));
  assert.equal(pids.length, 50);
  await engine.bus.next('process:forker:state', { where: (e) => e.type === 'process:state' && e.to === 'exited' });
  await until(() => pids.every((p) => !isAlive(p)), 10_000, 'the 50 grandchildren to be ended');
});

test('an unhealthy process is restarted when restart.on_unhealthy is set', async () => {
  const { engine } = await startEngine(
    `version: 1\nprocesses:\n  sick:\n    command: ${nodeCommand('setInterval(() => {}, 1000)')}\n    restart: { on_unhealthy: true }\n    health: { exec: "exit 1", interval: 100ms, failures: 2 }\n`,
  );
  await engine.bus.next('process:sick:unhealthy');
  await engine.bus.next('process:sick:state', { where: (e) => e.type === 'process:state' && e.to === 'stopping' });
  await engine.bus.next('process:sick:state', { where: (e) => e.type === 'process:state' && e.to === 'running' });
});

test('a process that stops touching its heartbeat file goes stale and is restarted', async () => {
  const beating = "const fs = require('fs'); let n = 0; const t = setInterval(() => { fs.writeFileSync('beat', String(n)); if (++n > 3) clearInterval(t); }, 50); setInterval(() => {}, 1000)";
  const { engine, events } = await startEngine(
    `version: 1\nprocesses:\n  worker:\n    command: ${nodeCommand(beating)}\n    restart: { on_unhealthy: true }\n    health: { heartbeat_file: beat, max_age: 300ms, interval: 100ms, failures: 1, start_period: 500ms }\n`,
  );
  const stale = await engine.bus.next('process:worker:stale', { withinMs: 5000 });
  assert.ok(stale.type === 'process:stale');
  assert.match(stale.reason, /not touched for \d+ms \(max_age 300ms\)/);
  assert.ok(events.some((e) => e.type === 'process:healthy'), 'healthy while it was beating');
  await engine.bus.next('process:worker:state', { where: (e) => e.type === 'process:state' && e.to === 'running' });
});

test('a stop asked for while a restart is stopping the process wins: it is not started again', async () => {
  const { engine, events } = await startEngine(`version: 1\nprocesses:\n  api: { command: ${nodeCommand('setInterval(() => {}, 1000)')} }\n`);
  await engine.bus.next('process:api:state', { where: (e) => e.type === 'process:state' && e.to === 'running' });
  const sup = engine.supervisors.get('api')!;
  const before = events.length;
  const restarting = sup.restart({ reason: 'a file changed' });
  await sup.stop({ reason: 'engine stopping: SIGINT' });
  await restarting;
  assert.equal(sup.state, 'stopped');
  const after = events.slice(before).flatMap((e) => (e.type === 'process:state' ? [e.to] : []));
  assert.deepEqual(after, ['stopping', 'stopped'], 'no start after the stop');
});
