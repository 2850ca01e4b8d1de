import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startEngine, nodeCommand } from '../../helpers/engine.js';
import { until } from '../../helpers/wait.js';
import { beatVerdict, type Beat } from '../../../core/health/heartbeat-file.js';
import heartbeat from '../../../plugins/heartbeat/index.js';
import { testPlugin, stateEvent } from '../../../core/plugins/testing.js';
import { makeProject } from '../../helpers/project.js';

test('the heartbeat is written whole every interval, with each process, and goes stale once the engine stops', async () => {
  const { engine, dir } = await startEngine(
    `version: 1\nheartbeat: { interval: 50ms }\nprocesses:\n  app: { command: ${nodeCommand('setInterval(() => {}, 1000)')} }\n`,
  );
  const file = join(dir, '.pit', 'engine.heartbeat');
  const beat = await until(() => {
    try {
      const b: Beat = JSON.parse(readFileSync(file, 'utf8'));
      return b.processes.app?.state === 'running' ? b : null;
    } catch {
      return null;
    }
  }, 10_000, 'a beat that shows app running');
  assert.equal(beat.pid, process.pid);
  assert.equal(beat.processes.app.pid, engine.supervisors.get('app')!.pid);
  // Read while it is being rewritten: every read is a whole file.
  const stamps = new Set<string>();
  const end = Date.now() + 400;
  while (Date.now() < end) {
    stamps.add((JSON.parse(readFileSync(file, 'utf8')) as Beat).timestamp);
    await new Promise((r) => setImmediate(r));
  }
  assert.ok(stamps.size >= 3, `saw ${stamps.size} beats`);
  // Judged at the moment just after the newest beat: a loaded machine may read it late.
  const newest: Beat = JSON.parse(readFileSync(file, 'utf8'));
  assert.equal(beatVerdict(file, 50, Date.parse(newest.timestamp) + 10).healthy, true);
  await engine.stop();
  const last: Beat = JSON.parse(readFileSync(file, 'utf8'));
  assert.equal(beatVerdict(file, 50, Date.parse(last.timestamp) + 99).healthy, true);
  assert.equal(beatVerdict(file, 50, Date.parse(last.timestamp) + 100).healthy, false);
});

test('no heartbeat file is written with heartbeat: false', async () => {
  const { engine, dir } = await startEngine(`version: 1\nheartbeat: false\nprocesses:\n  app: { command: ${nodeCommand('process.exit(0)')}, restart: { policy: never } }\n`);
  await engine.bus.next('process:app:state', { where: (e) => e.type === 'process:state' && e.to === 'exited' });
  // The plugins have loaded and each has ticked once: a heartbeat plugin would have written its first beat by now.
  await engine.ready();
  assert.equal(beatVerdict(join(dir, '.pit', 'engine.heartbeat'), 1000).beat, null);
});

test('a heartbeat that cannot be written is reported once, never thrown (which would disable the plugin), and written again once it can be', async () => {
  // Its folder is a file: every write fails, as on a full disk.
  const dir = makeProject({ blocked: 'not a folder' });
  const file = join(dir, 'blocked', 'engine.heartbeat');
  const h = await testPlugin(heartbeat, { file, intervalMs: 50 });
  for (let i = 0; i < 3; i++) await h.tick();
  await h.send(stateEvent('app', 'starting', 'running', 42));
  assert.deepEqual(h.emits.map((e) => [e.name, e.data.code]), [['heartbeat:engine:write-error', 'PIT_E_HEARTBEAT_WRITE']]);
  assert.equal(h.logs.length, 1);
  assert.match(h.logs[0], /cannot write the heartbeat .*engine\.heartbeat: (ENOTDIR|EEXIST).*\[PIT_E_HEARTBEAT_WRITE\]/);
  rmSync(join(dir, 'blocked'));
  await h.tick();
  assert.equal(existsSync(file), true);
  assert.equal((JSON.parse(readFileSync(file, 'utf8')) as Beat).processes.app.state, 'running');
  assert.deepEqual(h.emits.map((e) => e.name), ['heartbeat:engine:write-error', 'heartbeat:engine:write-resumed']);
});
