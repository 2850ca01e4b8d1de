import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, symlinkSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { threadId } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { startEngine, nodeCommand } from '../helpers/engine.js';
import { runEngineProcess } from '../helpers/engine-process.js';
import { makeProject } from '../helpers/project.js';
import { fixture } from '../helpers/paths.js';
import { until } from '../helpers/wait.js';
import { PLUGIN_LIMITS } from '../../core/plugins/host.js';
import { addBuiltinForTests } from '../../core/plugins/builtins.js';
import type { PitEvent } from '../../core/events/catalog.js';

PLUGIN_LIMITS.callTimeoutMs = 1000; // a hung call is ended sooner in tests

const idle = nodeCommand('setInterval(() => {}, 1000)');
const probe = fixture('plugins', 'shared-probe.mjs');
const hanger = fixture('plugins', 'shared-hanger.mjs');

/** Count a fixture plugin as built-in for one test. */
async function asBuiltin(file: string, t: { after(fn: () => void): void }): Promise<void> {
  const undo = addBuiltinForTests({ use: file, definition: (await import(pathToFileURL(file).href)).default });
  t.after(undo);
}

const seen = (events: PitEvent[], as: string) =>
  events.flatMap((e) => (e.type === 'custom:event' && e.name === `probe:${as}:seen` ? [e.data as { threadId: number; setups: number; n: number }] : []));

test("Pit's built-in plugins run side by side in one worker thread; a team's plugin gets a thread of its own", async (t) => {
  await asBuiltin(probe, t);
  await asBuiltin(hanger, t);
  const { engine, events } = await startEngine(
    `version: 1
plugins:
  - { use: ${JSON.stringify(probe)}, options: { as: team } }
processes:
  app: { command: ${idle} }
`,
  );
  engine.bus.publish('custom:event', 'probe', { name: 'go:probe:now', data: { n: 1 } });
  await until(() => seen(events, 'builtin').length && seen(events, 'hanger').length && seen(events, 'team').length, 10_000, 'the three answered');
  const [builtin] = seen(events, 'builtin');
  const [team] = seen(events, 'team');
  assert.equal(seen(events, 'hanger')[0].threadId, builtin.threadId, 'two built-ins, one worker');
  assert.notEqual(builtin.threadId, threadId, 'a built-in runs in a worker, not the engine thread');
  assert.notEqual(team.threadId, builtin.threadId, "the team's plugin is not in the built-ins' worker");
  assert.notEqual(team.threadId, threadId);
});

test('a built-in that hangs is ended and rested alone: the others are set up again in the fresh worker, know the processes as before, get every event, and are neither failed nor disabled', { timeout: 40_000 }, async (t) => {
  await asBuiltin(probe, t);
  await asBuiltin(hanger, t);
  const { engine, events, dir } = await startEngine(`version: 1\nprocesses:\n  app: { command: ${idle} }\n`);
  const go = (n: number) => engine.bus.publish('custom:event', 'probe', { name: 'go:probe:now', data: { n } });
  go(1);
  await until(() => seen(events, 'builtin').length === 1, 10_000, 'the probe answered');
  const before = seen(events, 'builtin')[0];
  // The heartbeat (a built-in, in the same worker) knows app is running.
  const beatFile = join(dir, '.pit', 'engine.heartbeat');
  const app = () => (existsSync(beatFile) ? JSON.parse(readFileSync(beatFile, 'utf8')).processes.app : undefined);
  await until(() => app()?.state === 'running', 10_000, 'app running in the heartbeat');
  const pid = engine.supervisors.get('app')!.pid;
  rmSync(beatFile);

  const hangs = () => {
    rmSync(join(dir, '.pit', 'hanger-thread'), { force: true });
    engine.bus.publish('custom:event', 'hanger', { name: 'hang:hanger:now', data: {} });
    return until(() => existsSync(join(dir, '.pit', 'hanger-thread')) && Number(readFileSync(join(dir, '.pit', 'hanger-thread'), 'utf8')), 10_000, 'the hanger looping');
  };
  // The hanger loops in the built-ins' worker; the probe's events sent meanwhile wait there.
  assert.equal(await hangs(), before.threadId, 'the hanger shares the probe’s worker');
  go(2);
  go(3);
  const err = await engine.bus.next('plugin:hanger:error', { withinMs: 10_000 });
  assert.ok(err.type === 'plugin:error');
  assert.match(err.message, /did not finish within 1000ms/);
  await until(() => seen(events, 'builtin').length === 3, 10_000, 'the probe got the events sent while the worker hung');
  const after = seen(events, 'builtin').slice(1);
  assert.deepEqual(after.map((s) => s.n), [2, 3], 'none lost, in order');
  assert.ok(after.every((s) => s.threadId !== before.threadId), 'they ran in the fresh worker');
  assert.ok(after.every((s) => s.setups === 1), 'where the probe was set up again');
  // The heartbeat, set up again there, was handed the processes' last states: its file is back, app in it.
  assert.deepEqual(await until(app, 10_000, 'the heartbeat written again'), { state: 'running', pid, restarts: 0 });

  // While the hanger rests, the probe is answered at once: it is not starved.
  go(4);
  await until(() => seen(events, 'builtin').length === 4, 10_000, 'the probe answered while the hanger rests');
  // The hanger's second hang disables it, and only it.
  await hangs();
  await engine.bus.next('plugin:hanger:disabled', { withinMs: 20_000 });
  go(5);
  await until(() => seen(events, 'builtin').length === 5, 10_000, 'the probe answered after the hanger was disabled');
  const faults = events.filter((e) => e.type === 'plugin:error' || e.type === 'plugin:disabled');
  assert.deepEqual([...new Set(faults.map((e) => e.subject))], ['hanger'], 'no other built-in is failed or disabled');
  assert.equal(faults.filter((e) => e.type === 'plugin:error').length, 2);
  assert.equal(engine.supervisors.get('app')!.state, 'running');
});

test('a built-in that runs the shared worker out of heap is the one reported: the others go on in a fresh worker, lose no events, and are not failed', { timeout: 60_000 }, async (t) => {
  await asBuiltin(probe, t);
  await asBuiltin(hanger, t);
  const limitMs = PLUGIN_LIMITS.callTimeoutMs;
  PLUGIN_LIMITS.callTimeoutMs = 60_000; // the heap runs out first, not the time
  t.after(() => void (PLUGIN_LIMITS.callTimeoutMs = limitMs));
  const { engine, events, dir } = await startEngine(`version: 1\nprocesses:\n  app: { command: ${idle} }\n`);
  const go = (n: number) => engine.bus.publish('custom:event', 'probe', { name: 'go:probe:now', data: { n } });
  go(1);
  await until(() => seen(events, 'builtin').length === 1, 10_000, 'the probe answered');
  const before = seen(events, 'builtin')[0];
  engine.bus.publish('custom:event', 'hanger', { name: 'hog:hanger:now', data: {} });
  await until(() => existsSync(join(dir, '.pit', 'hanger-thread')), 10_000, 'the hanger allocating');
  go(2); // waits in the worker that is about to die
  const err = await engine.bus.next('plugin:hanger:error', { withinMs: 30_000 });
  assert.ok(err.type === 'plugin:error');
  assert.doesNotMatch(err.message, /did not finish/, 'the heap ran out, not the time');
  await until(() => seen(events, 'builtin').length === 2, 10_000, 'the probe got the event sent while the worker died');
  const after = seen(events, 'builtin')[1];
  assert.equal(after.n, 2);
  assert.notEqual(after.threadId, before.threadId, 'it ran in the fresh worker');
  const faults = events.filter((e) => e.type === 'plugin:error' || e.type === 'plugin:disabled');
  assert.deepEqual(faults.map((e) => [e.type, e.subject]), [['plugin:error', 'hanger']], 'no other built-in is failed');
});

/** Threads of `engine run` in a project once its plugins have loaded (the heartbeat is written after). */
async function engineThreads(pitfile: string, setup?: (dir: string) => void): Promise<number> {
  const dir = makeProject({ 'pitfile.yaml': pitfile });
  setup?.(dir);
  const run = runEngineProcess(dir);
  await until(() => existsSync(join(dir, '.pit', 'engine.heartbeat')), 15_000, `the heartbeat in ${dir}; output:\n${run.text()}`);
  const threads = () => Number(/Threads:\s+(\d+)/.exec(readFileSync(`/proc/${run.child.pid}/status`, 'utf8'))![1]);
  assert.doesNotMatch(run.text(), /PIT_E_PLUGIN/);
  return threads();
}

test('engine run: three built-ins (heartbeat, import-error-matcher, python-installer) cost the threads of one; a team plugin adds one', { timeout: 60_000 }, async () => {
  // A command the built-ins take for Python (a venv's bin/), still an idle sleep.
  const venvSleep = (dir: string) => {
    mkdirSync(join(dir, '.venv', 'bin'), { recursive: true });
    symlinkSync(execFileSync('sh', ['-c', 'command -v sleep'], { encoding: 'utf8' }).trim(), join(dir, '.venv', 'bin', 'sleep'));
  };
  const python = 'version: 1\nprocesses:\n  app: { command: [.venv/bin/sleep, "1000"] }\n';
  const [heartbeatOnly, threeBuiltins, withTeam] = await Promise.all([
    engineThreads('version: 1\nprocesses:\n  app: { command: [sleep, "1000"] }\n'),
    engineThreads(python, venvSleep),
    engineThreads(`${python}plugins:\n  - { use: ${JSON.stringify(fixture('plugins', 'echo.mjs'))} }\n`, venvSleep),
  ]);
  assert.equal(threeBuiltins, heartbeatOnly, 'the matcher and the installer add no thread');
  assert.equal(withTeam, threeBuiltins + 1, "a team's plugin has its own worker");
});
