// Causes, end to end in one engine: a file save, a limit, a failed probe and
// a reload each restart a real child; the state change names the event
// behind it (cause) and why (reason), engine run's line says the reason,
// and engine why follows the chain in the journal once the engine stopped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEngine, nodeCommand, type TestEngine } from '../helpers/engine.js';
import type { EventOf, PitEvent } from '../../core/events/catalog.js';
import { describeState } from '../../core/cli/run-reporter.js';
import { explain, formatChange } from '../../core/cli/why.js';
import { Journal } from '../../core/journal/journal.js';

const idle = nodeCommand('setInterval(() => {}, 1000)');
type StateEvent = EventOf<'process:state'>;

/** The next stopping of `name` that is part of a restart. */
const restarting = (t: TestEngine, name: string, withinMs = 15_000) =>
  t.engine.bus.next(`process:${name}:state`, { withinMs, where: (e) => e.type === 'process:state' && e.to === 'stopping' && e.restart === true }) as Promise<StateEvent>;

/** The newest `engine why` lines of `name`, read from the journal of a stopped engine. */
async function why(t: TestEngine, name: string): Promise<string[]> {
  await t.engine.stop();
  const changes = Journal.readWith(t.engine.pitfile.settings.stateDir, (r) => explain(r, name, 5));
  assert.ok(changes, 'a journal was written');
  return changes.map(formatChange);
}

const byId = (t: TestEngine, id: string | null | undefined): PitEvent | undefined => t.events.find((e) => e.id === id);

test('every event has an id of its own', async () => {
  const t = await startEngine(`version: 1\nprocesses:\n  api: { command: ${idle} }\n`);
  await t.engine.bus.next('process:api:state', { where: (e) => e.type === 'process:state' && e.to === 'running' });
  const ids = t.events.map((e) => e.id);
  assert.ok(ids.every((id) => typeof id === 'string' && id.length > 0), 'each has an id');
  assert.equal(new Set(ids).size, ids.length, 'no two share one');
});

test('a file save that fires a restart reaction: reaction:<id>:run names the change, the restart names the reaction and the file', async () => {
  const t = await startEngine(
    `version: 1\nprocesses:\n  api: { command: ${idle} }\nwatchers:\n  code: { paths: ["src/**"], debounce: 50ms }\nreactions:\n  - on: file:code:change\n    do: [{ restart: [api] }]\n`,
    { 'src/app.py': 'print(1)\n' },
  );
  await t.engine.bus.next('process:api:state', { where: (e) => e.type === 'process:state' && e.to === 'running' });
  const stopping = restarting(t, 'api');
  writeFileSync(join(t.dir, 'src', 'app.py'), 'print(2)\n');
  const e = await stopping;
  assert.equal(e.reason, 'src/app.py changed (reaction #1 on file:code:change)');
  assert.equal(describeState(e), 'restarting: src/app.py changed (reaction #1 on file:code:change)');
  const ran = byId(t, e.cause);
  assert.ok(ran?.type === 'reaction:run', `the cause is the reaction's run, got ${ran?.type}`);
  assert.equal(ran.action, 'restart');
  assert.equal(ran.command, 'restart api');
  const change = byId(t, ran.cause);
  assert.equal(change?.type, 'file:change', 'the run names the file change');
  await t.engine.bus.next('process:api:state', { where: (x) => x.type === 'process:state' && x.to === 'running' && x.cause === e.cause });
  const [stopped, last] = await why(t, 'api');
  assert.match(stopped, /^\d\d:\d\d:\d\d api stopped ← the engine is stopping$/);
  assert.match(last, /^\d\d:\d\d:\d\d api restarted ← reaction #1 ← file:code:change src\/app\.py$/);
});

test('a memory limit restart names the limit event and the measurement', async () => {
  const grow = 'const keep = []; setInterval(() => keep.push(Buffer.alloc(8e6, 1)), 20)';
  const t = await startEngine(
    `version: 1\nsettings: { monitor_interval: 100ms }\nprocesses:\n  grow:\n    command: ${nodeCommand(grow)}\n    limits: { memory: 150MB, for: 100ms, action: restart }\n`,
  );
  const e = await restarting(t, 'grow');
  assert.match(e.reason!, /^memory \d+ MiB > 150 MiB for 0\.1 s$/);
  assert.equal(describeState(e), `restarting: ${e.reason}`);
  const limit = byId(t, e.cause);
  assert.ok(limit?.type === 'process:limit' && limit.process === 'grow', `the cause is the limit event, got ${limit?.type}`);
  assert.equal(limit.reason, e.reason, 'the limit event says the measurement too');
  await t.engine.bus.next('process:grow:state', { where: (x) => x.type === 'process:state' && x.to === 'running' && x.cause === e.cause });
  const lines = await why(t, 'grow');
  assert.ok(lines.some((l) => / grow restarted ← process:grow:limit memory \d+ MiB > 150 MiB for 0\.1 s$/.test(l)), lines.join('\n'));
});

test('a restart for failed probes names the unhealthy event and the probe failure', async () => {
  const t = await startEngine(
    `version: 1\nprocesses:\n  sick:\n    command: ${idle}\n    restart: { on_unhealthy: true }\n    health: { exec: "exit 3", interval: 100ms, failures: 2 }\n`,
  );
  const e = await restarting(t, 'sick');
  assert.equal(e.reason, 'unhealthy after 2 failed probes: probe command exited with 3');
  assert.equal(describeState(e), 'restarting: unhealthy after 2 failed probes: probe command exited with 3');
  assert.equal(byId(t, e.cause)?.type, 'process:unhealthy');
  await t.engine.bus.next('process:sick:state', { where: (x) => x.type === 'process:state' && x.to === 'running' && x.cause === e.cause });
  const lines = await why(t, 'sick');
  assert.ok(lines.some((l) => / sick restarted ← process:sick:unhealthy probe command exited with 3$/.test(l)), lines.join('\n'));
});

test('a reload restart names the reload and the pitfile keys that changed; an unchanged process is not touched', async () => {
  const pitfile = (timeout: string) => `version: 1\nprocesses:\n  api:\n    command: ${idle}\n    stop: { timeout: ${timeout} }\n  other: { command: ${idle} }\n`;
  const t = await startEngine(pitfile('5s'));
  await t.engine.bus.next('process:api:state', { where: (e) => e.type === 'process:state' && e.to === 'running' });
  writeFileSync(join(t.dir, 'pitfile.yaml'), pitfile('7s'));
  const stopping = restarting(t, 'api');
  const outcome = await t.engine.reload({ reason: 'engine reload (CLI)' });
  assert.ok('diff' in outcome);
  const e = await stopping;
  assert.equal(e.reason, 'pitfile changed: processes.api.stop.timeout');
  assert.equal(describeState(e), 'restarting: pitfile changed: processes.api.stop.timeout');
  const reloaded = byId(t, e.cause);
  assert.ok(reloaded?.type === 'config:reloaded', 'the cause is the reload');
  assert.equal(reloaded.reason, 'engine reload (CLI)');
  assert.ok(!t.events.some((x) => x.type === 'process:state' && x.process === 'other' && x.cause === e.cause), 'other was left alone');
  const [, last] = await why(t, 'api');
  assert.match(last, / api restarted ← pitfile changed: processes\.api\.stop\.timeout ← config:reloaded engine reload \(CLI\)$/);
});

test('a crash restart names the exit behind it', async () => {
  const t = await startEngine(`version: 1\nprocesses:\n  crash:\n    command: ${nodeCommand('setTimeout(() => process.exit(4), 100)')}\n    restart: { policy: on-failure, delay: 10ms, max_restarts: 1, window: 1m }\n`);
  const retry = (await t.engine.bus.next('process:crash:state', { where: (e) => e.type === 'process:state' && e.to === 'starting' && e.from === 'backoff' })) as StateEvent;
  const exit = byId(t, retry.cause);
  assert.ok(exit?.type === 'process:exit' && exit.exit_code === 4, 'the restart names the exit');
  await t.engine.bus.next('process:crash:state', { where: (e) => e.type === 'process:state' && e.to === 'fatal' });
  const lines = await why(t, 'crash');
  assert.match(lines[1], / crash fatal \(code 4\) ← process:crash:exit \(exited with code 4\)$/);
  assert.ok(lines.some((l) => / crash restarted ← process:crash:exit \(exited with code 4\)$/.test(l)), lines.join('\n'));
});
