// engine why and the reasons engine run prints, against a real `engine run`:
// a person's restart from the CLI, the dashboard and the API, and a file
// save through a reaction, each said on the engine's line, in engine events,
// and in engine why once the engine is gone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeProject } from '../helpers/project.js';
import { runEngine, runEngineAsync } from '../helpers/cli.js';
import { runEngineProcess } from '../helpers/engine-process.js';
import { within } from '../helpers/wait.js';
import { ControlClient } from '../../core/control/client.js';

const idle = `["node", "-e", "setInterval(() => {}, 1000)"]`;

test('each restart says who asked on the engine line, in engine events and in engine why, newest first', async () => {
  const dir = makeProject({
    'pitfile.yaml': `version: 1
processes:
  api: { command: ${idle} }
watchers:
  code: { paths: ["src/**"], debounce: 50ms }
reactions:
  - on: file:code:change
    do: [{ restart: [api] }]
`,
    'src/app.py': 'print(1)\n',
  });
  const engine = runEngineProcess(dir);
  await engine.waitFor(/listening on/);
  const client = new ControlClient(join(dir, '.pit', 'engine.sock'));
  /** One restart, awaited to its "running" line; `line` is the reason line it must print. */
  const restartAnd = async (act: () => unknown, line: RegExp) => {
    const before = engine.text().length;
    await act();
    await engine.waitFor(new RegExp(`${line.source}[\\s\\S]*api running \\(pid \\d+\\)`));
    assert.equal(engine.text().slice(before).match(new RegExp(line.source, 'g'))?.length, 1, 'the reason is said once, not on every state');
  };

  await restartAnd(() => assert.equal(runEngine(['restart', 'api'], dir).status, 0), /api restarting: engine restart \(CLI\)/);
  await restartAnd(() => client.call('POST', '/v1/processes/restart', { names: ['api'], via: 'dashboard' }), /api restarting: restart \(dashboard\)/);
  await restartAnd(() => client.call('POST', '/v1/processes/restart', { names: ['api'] }), /api restarting: restart \(API\)/);
  await restartAnd(() => writeFileSync(join(dir, 'src', 'app.py'), 'print(2)\n'), /api restarting: src\/app\.py changed \(reaction #1 on file:code:change\)/);
  assert.doesNotMatch(engine.text(), /api stopping: /, 'a restart is said as restarting');

  const events = runEngine(['events', '--type', 'process:api:state', '-n', '100'], dir);
  assert.equal(events.status, 0, events.stderr);
  assert.match(events.stdout, /process:api:state .*to=stopping.*reason="engine restart \(CLI\)"/);
  assert.match(events.stdout, /reason="src\/app\.py changed \(reaction #1 on file:code:change\)"/);
  assert.doesNotMatch(events.stdout, / id=| cause=/, 'ids are for engine why and --json');

  assert.equal(runEngine(['shutdown'], dir).status, 0);
  await within(engine.exited, 15_000, 'the engine to stop');

  const why = runEngine(['why', 'api', '-n', '5'], dir);
  assert.equal(why.status, 0, why.stderr);
  const lines = why.stdout.trimEnd().split('\n');
  const t = '\\d\\d:\\d\\d:\\d\\d';
  assert.match(lines[0], new RegExp(`^${t} api stopped ← engine stopping: shutdown request$`));
  assert.match(lines[1], new RegExp(`^${t} api restarted ← reaction #1 ← file:code:change src/app\\.py$`));
  assert.match(lines[2], new RegExp(`^${t} api restarted ← restart \\(API\\)$`));
  assert.match(lines[3], new RegExp(`^${t} api restarted ← restart \\(dashboard\\)$`));
  assert.match(lines[4], new RegExp(`^${t} api restarted ← engine restart \\(CLI\\)$`));
  assert.equal(lines.length, 5, 'no more than -n asks for');

  const json = runEngine(['why', 'api', '--json'], dir);
  assert.equal(json.status, 0, json.stderr);
  const [, byReaction] = JSON.parse(json.stdout) as { change: string; states: string[]; chain: { name: string }[] }[];
  assert.equal(byReaction.change, 'restarted');
  assert.deepEqual(byReaction.states, ['stopping', 'stopped', 'starting', 'running']);
  assert.deepEqual(byReaction.chain.map((l) => l.name), ['reaction:reaction-1:run', 'file:code:change']);
});

test('engine why says when there is no journal, and refuses a bad --limit', () => {
  const dir = makeProject({ 'pitfile.yaml': `version: 1\nprocesses:\n  api: { command: ${idle} }\n` });
  const none = runEngine(['why', 'api'], dir);
  assert.equal(none.status, 1);
  assert.match(none.stderr, /PIT_E_JOURNAL_MISSING/);
  assert.equal(runEngine(['why', 'api', '-n', 'x'], dir).status, 2);
});

test('a limit, failed probes and a pitfile save each say why on engine run\'s line, and engine why names them', async () => {
  const grow = `["node", "-e", "const keep = []; setInterval(() => keep.push(Buffer.alloc(8e6, 1)), 20)"]`;
  const pitfile = (timeout: string) => `version: 1
settings: { monitor_interval: 100ms }
processes:
  api: { command: ${idle}, stop: { timeout: ${timeout} } }
  grow: { command: ${grow}, limits: { memory: 150MB, for: 100ms, action: restart } }
  sick:
    command: ${idle}
    restart: { on_unhealthy: true }
    health: { exec: "exit 1", interval: 100ms, failures: 2 }
`;
  const dir = makeProject({ 'pitfile.yaml': pitfile('5s') });
  const engine = runEngineProcess(dir);
  await engine.waitFor(/listening on/);
  await engine.waitFor(/grow restarting: memory \d+ MiB > 150 MiB for 0\.1 s/);
  await engine.waitFor(/sick restarting: unhealthy after 2 failed probes: probe command exited with 1/);
  writeFileSync(join(dir, 'pitfile.yaml'), pitfile('7s'));
  await engine.waitFor(/api restarting: pitfile changed: processes\.api\.stop\.timeout/);
  await engine.waitFor(/pitfile reloaded: ~api \(pitfile saved\)/);
  // Stopping waits for a process that is restarting after a limit or a probe: generous on a loaded machine.
  const stopped = await runEngineAsync(['shutdown'], dir);
  assert.equal(stopped.status, 0, stopped.stderr);
  await within(engine.exited, 15_000, 'the engine to stop');

  const why = (name: string) => runEngine(['why', name, '-n', '20'], dir).stdout;
  assert.match(why('grow'), / grow restarted ← process:grow:limit memory \d+ MiB > 150 MiB for 0\.1 s$/m);
  assert.match(why('sick'), / sick restarted ← process:sick:unhealthy probe command exited with 1$/m);
  assert.match(why('api'), / api restarted ← pitfile changed: processes\.api\.stop\.timeout ← config:reloaded pitfile saved$/m);
});

test('engine why names a replica group and explains every copy, newest first; a copy alone explains only itself', async () => {
  const dir = makeProject({ 'pitfile.yaml': `version: 1\nprocesses:\n  api: { command: ${idle}, replicas: 2 }\n  apiary: { command: ${idle} }\n` });
  const engine = runEngineProcess(dir);
  await engine.waitFor(/listening on/);
  assert.equal(runEngine(['restart', 'api.2'], dir).status, 0);
  await engine.waitFor(/api\.2 restarting: engine restart \(CLI\)[\s\S]*api\.2 running \(pid \d+\)/);
  assert.equal(runEngine(['shutdown'], dir).status, 0);
  await within(engine.exited, 15_000, 'the engine to stop');

  const group = runEngine(['why', 'api', '-n', '10', '--json'], dir);
  assert.equal(group.status, 0, group.stderr);
  const changes = JSON.parse(group.stdout) as { at: number; process: string; change: string; reason: string | null }[];
  assert.deepEqual([...new Set(changes.map((c) => c.process))].sort(), ['api.1', 'api.2'], 'both copies, and not apiary');
  assert.deepEqual(changes.map((c) => c.at), [...changes.map((c) => c.at)].sort((a, b) => b - a), 'newest first');
  assert.ok(changes.some((c) => c.process === 'api.2' && c.change === 'restarted' && c.reason === 'engine restart (CLI)'));
  assert.ok(!changes.some((c) => c.process === 'api.1' && c.change === 'restarted'), 'api.1 was never restarted');

  const one = runEngine(['why', 'api.1', '--json'], dir);
  assert.equal(one.status, 0, one.stderr);
  assert.deepEqual([...new Set((JSON.parse(one.stdout) as { process: string }[]).map((c) => c.process))], ['api.1']);
  assert.equal(runEngine(['why', 'ap'], dir).status, 1, 'a prefix of a name is not a group');
});
