// health: { log: ... } with real children: healthy at the first output line
// that matches, and not before (issue 21, point 3).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { after } from 'node:test';
import { startEngine } from '../helpers/engine.js';
import { fixture } from '../helpers/paths.js';
import { makeProject } from '../helpers/project.js';
import { until } from '../helpers/wait.js';
import { loadPitfile } from '../../core/config/load.js';
import { Engine } from '../../core/engine.js';

/** A pitfile command running say-at-gates.mjs with `steps`. */
const says = (...steps: string[]) => JSON.stringify([process.execPath, fixture('programs', 'say-at-gates.mjs'), ...steps]);
const isState = (to: string) => (e: { type: string; to?: string }) => e.type === 'process:state' && e.to === to;

test('a log check makes the process healthy at the first matching line, and not before', async () => {
  const { engine, dir, line, events } = await startEngine(
    `version: 1\nprocesses:\n  api:\n    command: ${says('out:Listening soon', 'err:\x1b[33mwarming up\x1b[0m', 'wait:go', 'err:\x1b[32mListening on\x1b[0m :8080', 'out:Listening on :9090')}\n    health: { log: "^Listening on :\\\\d+$" }\n`,
  );
  await line('api', /warming up/);
  const api = engine.supervisors.get('api')!;
  assert.equal(api.state, 'running');
  assert.equal(api.healthy, null, 'not healthy before the line');
  assert.ok(!events.some((e) => e.type === 'process:healthy'), 'no healthy event before the line');
  const healthy = engine.bus.next('process:api:healthy');
  writeFileSync(join(dir, 'go'), '');
  const e = await healthy;
  assert.equal(api.healthy, true);
  // The first match (stderr, coloured), and said with the line that made it.
  assert.equal(e.reason, 'stderr line matched "^Listening on :\\\\d+$": "\\u001b[32mListening on\\u001b[0m :8080"');
  await line('api', /9090/);
  assert.equal(events.filter((x) => x.type === 'process:healthy').length, 1, 'one healthy event per run');
});

test('a matching line written in two pieces still matches', async () => {
  const { engine, dir, events } = await startEngine(
    `version: 1\nprocesses:\n  api:\n    command: ${says('part:Listen', 'touch:half', 'wait:go', 'out:ing on :8080')}\n    health: { log: "Listening on" }\n`,
  );
  await until(() => existsSync(join(dir, 'half')), 10_000, 'the first piece to be written');
  const healthy = engine.bus.next('process:api:healthy');
  assert.ok(!events.some((e) => e.type === 'process:healthy'), 'half a line does not match');
  writeFileSync(join(dir, 'go'), '');
  await healthy;
  assert.equal(engine.supervisors.get('api')!.healthy, true);
});

test('a dependent with depends_on healthy waits for the log match', async () => {
  const { engine, dir, line, events } = await startEngine(
    `version: 1\nprocesses:\n  db:\n    command: ${says('out:booting', 'wait:go', 'out:ready to accept connections')}\n    health: { log: "ready to accept connections" }\n  api:\n    command: ${says('out:api up')}\n    depends_on: { db: healthy }\n`,
  );
  await line('db', /booting/);
  const api = engine.supervisors.get('api')!;
  assert.equal(api.state, 'waiting');
  assert.equal(api.waitingFor, 'db: healthy');
  writeFileSync(join(dir, 'go'), '');
  await line('api', /api up/);
  const healthyAt = events.findIndex((e) => e.type === 'process:healthy' && e.subject === 'db');
  const startAt = events.findIndex((e) => e.type === 'process:state' && e.subject === 'api' && e.to === 'starting');
  assert.ok(healthyAt >= 0 && startAt > healthyAt, 'api starts after db matched its line');
});

test('an evil pattern against hostile lines does not stall the engine', async () => {
  const hostile = `${'a'.repeat(30_000)}!`;
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const { engine, line, events } = await startEngine(
    `version: 1\nprocesses:\n  api:\n    command: ${says(...Array(20).fill(`out:${hostile}`), 'out:hostile lines done', 'out:aaaa')}\n    health: { log: "(a+)+$" }\n`,
  );
  await line('api', /hostile lines done/, 20_000);
  const healthy = events.find((e) => e.type === 'process:healthy') ?? (await engine.bus.next('process:api:healthy', { withinMs: 10_000 }));
  delay.disable();
  assert.match(healthy.reason!, /matched "\(a\+\)\+\$": "aaaa"/);
  // A backtracking engine would block the loop for longer than the universe has existed.
  assert.ok(delay.max < 1e9, `the event loop was blocked for ${Math.round(delay.max / 1e6)} ms`);
});

test('a non-matching flood does not make the process healthy and does not grow memory', async (t) => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  // An engine with no listener of its own on output lines: the log check is the only reader.
  const dir = makeProject({
    'pitfile.yaml': `version: 1\nprocesses:\n  api:\n    command: ${says('out:up', 'wait:go', 'flood:200000:512', 'touch:flooded', 'wait:last', 'out:Listening on :8080')}\n    health: { log: "Listening on" }\n    logs: { max_size: 1MB, keep: 0 }\n`,
  });
  const { pitfile } = await loadPitfile({ cwd: dir });
  const engine = new Engine(pitfile, { log: () => {} });
  after(() => engine.stop());
  let healthy = 0;
  engine.bus.on('process:api:healthy', () => healthy++);
  await engine.start();
  await engine.bus.next('process:api:state', { where: isState('running') });
  gc();
  const before = process.memoryUsage().heapUsed;
  let peak = before;
  const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 20);
  writeFileSync(join(dir, 'go'), '');
  await until(() => existsSync(join(dir, 'flooded')), 60_000, 'the child to print 100 MB of non-matching lines');
  clearInterval(sample);
  assert.equal(healthy, 0, 'no line of the flood matched');
  assert.equal(engine.supervisors.get('api')!.healthy, null);
  gc();
  const grown = process.memoryUsage().heapUsed - before;
  const MiB = 1024 * 1024;
  t.diagnostic(`heap: ${(grown / MiB).toFixed(1)} MiB kept, peak ${((peak - before) / MiB).toFixed(1)} MiB above the start`);
  assert.ok(grown < 8 * MiB, `the heap kept ${Math.round(grown / MiB)} MiB after 100 MB of lines`);
  // The peak is garbage of decoded lines, collected late on a loaded machine: reported, not bounded.
  const matched = engine.bus.next('process:api:healthy');
  writeFileSync(join(dir, 'last'), '');
  await matched;
});
