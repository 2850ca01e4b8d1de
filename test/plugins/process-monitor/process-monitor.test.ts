import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startEngine, nodeCommand } from '../../helpers/engine.js';

const settings = 'settings: { monitor_interval: 100ms }\n';

test('stats report CPU and memory of the whole process group of a process with limits', async () => {
  // The shell's children count: two sleeping grandchildren make three members.
  const { engine } = await startEngine(`version: 1\n${settings}processes:\n  tree: { command: "sleep 300 & sleep 300 & wait", limits: { memory: 1GB } }\n`);
  const stats = await engine.bus.next('process:tree:stats', { where: (e) => e.processes === 3 });
  assert.ok(stats.rss_bytes > 0);
});

test('a CPU-burning child triggers its cpu limit and is restarted', async () => {
  const { engine } = await startEngine(
    `version: 1\n${settings}processes:\n  burn:\n    command: ${nodeCommand('for (;;) {}')}\n    limits: { cpu: 50%, for: 300ms, action: restart }\n`,
  );
  const limit = await engine.bus.next('process:burn:limit', { withinMs: 15_000 });
  assert.equal(limit.kind, 'cpu');
  assert.ok(limit.value > 50);
  await engine.bus.next('process:burn:state', { where: (e) => e.type === 'process:state' && e.to === 'stopping' });
  await engine.bus.next('process:burn:state', { where: (e) => e.type === 'process:state' && e.to === 'running' });
});

test('a memory-growing child triggers its memory limit and is restarted', async () => {
  const grow = "const keep = []; setInterval(() => keep.push(Buffer.alloc(8e6, 1)), 20)";
  const { engine } = await startEngine(
    `version: 1\n${settings}processes:\n  grow:\n    command: ${nodeCommand(grow)}\n    limits: { memory: 150MB, for: 100ms, action: restart }\n`,
  );
  const limit = await engine.bus.next('process:grow:limit', { withinMs: 15_000 });
  assert.equal(limit.kind, 'memory');
  assert.ok(limit.value > 150 * 2 ** 20);
  await engine.bus.next('process:grow:state', { where: (e) => e.type === 'process:state' && e.to === 'running' });
});

test('limit restarts spend the restart budget: a process that keeps hitting its limit ends fatal', async () => {
  const { engine } = await startEngine(
    `version: 1\n${settings}processes:\n  burn:\n    command: ${nodeCommand('for (;;) {}')}\n    limits: { cpu: 20%, for: 200ms, action: restart }\n    restart: { max_restarts: 1, window: 1m }\n`,
  );
  const fatal = await engine.bus.next('process:burn:state', { where: (e) => e.type === 'process:state' && e.to === 'fatal', withinMs: 60_000 });
  assert.ok(fatal.type === 'process:state');
  assert.match(fatal.reason!, /gave up after 1 restarts/);
  assert.equal(engine.supervisors.get('burn')!.restarts, 1);
});
