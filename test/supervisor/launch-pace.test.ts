// A start-up of many children takes turns with the event loop. Before, the
// launches ran in one go (~10 ms each on a loaded machine): with 1,000
// children the loop was held for ~10 s, and the heartbeat plugin's 5 s
// describe timed out (PIT_E_PLUGIN_LOAD) although its worker had answered.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Engine } from '../../core/engine.js';
import { loadPitfile } from '../../core/config/load.js';
import { beatVerdict } from '../../core/health/heartbeat-file.js';
import { makeProject } from '../helpers/project.js';
import { until } from '../helpers/wait.js';
import type { PitEvent } from '../../core/events/catalog.js';

const COUNT = 200;

test('a start-up of 200 children lets the event loop turn between launches, so the plugins load meanwhile and every child runs', async () => {
  const lines = Array.from({ length: COUNT }, (_, i) => `  idle-${i}: { command: ["sleep", "1000"] }`);
  const dir = makeProject({ 'pitfile.yaml': `version: 1\nheartbeat: { interval: 1s }\nprocesses:\n${lines.join('\n')}\n` });
  const { pitfile } = await loadPitfile({ cwd: dir });
  const notes: string[] = [];
  const engine = new Engine(pitfile, { log: (t) => notes.push(t) });
  after(() => engine.stop());
  const events: PitEvent[] = [];
  engine.bus.on('*:*', (e) => events.push(e));
  let launched = 0;
  // How many had been launched when the event loop first went round after the first launch.
  let launchedAtFirstTurn: number | null = null;
  engine.bus.on('process:*:state', (e) => {
    if (e.to !== 'starting') return;
    if (launched++ === 0) setImmediate(() => (launchedAtFirstTurn = launched));
  });
  await engine.start();
  await until(() => launched === COUNT, 60_000, `all ${COUNT} launches`);
  assert.ok(launchedAtFirstTurn !== null && launchedAtFirstTurn < COUNT, `the event loop first turned after ${launchedAtFirstTurn} of ${COUNT} launches`);
  await engine.ready();
  assert.deepEqual(events.filter((e) => e.type === 'plugin:error'), []);
  assert.ok(beatVerdict(join(dir, '.pit', 'engine.heartbeat'), 60_000).beat, 'the heartbeat plugin wrote its first beat');
  await until(() => [...engine.supervisors.values()].every((s) => s.state === 'running'), 60_000, `all ${COUNT} children running`);
});
