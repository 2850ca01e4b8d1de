// engine config get|set on real files, and a running engine picking a set up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { makeProject } from '../helpers/project.js';
import { runEngine } from '../helpers/cli.js';
import { runEngineProcess } from '../helpers/engine-process.js';
import { until } from '../helpers/wait.js';
import { parseDuration } from '../../core/model/units.js';

const commented = `# Our services. Reviewed in PRs.
version: 1

processes:
  api:
    command: node -e "setInterval(() => {}, 1000)"   # the server
    restart:
      policy: always      # keep it up
      delay: 1s
    # the port comes from the environment
    env:
      PORT: "8080"
  worker:
      command: [python3, worker.py]    # odd indent, kept
`;

/** Line-by-line difference: which lines of `a` changed into which of `b`, when the count is equal. */
function changedLines(a: string, b: string): [string, string][] {
  const [x, y] = [a.split('\n'), b.split('\n')];
  assert.equal(x.length, y.length, `line count changed:\n${b}`);
  return x.flatMap((line, i) => (line === y[i] ? [] : [[line, y[i]] as [string, string]]));
}

test('config set changes only the edited value, keeping comments, order and layout', () => {
  const dir = makeProject({ 'pitfile.yaml': commented });
  const file = join(dir, 'pitfile.yaml');
  chmodSync(file, 0o640);
  const r = runEngine(['config', 'set', 'processes.api.restart.policy', 'on-failure'], dir);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(changedLines(commented, readFileSync(file, 'utf8')), [['      policy: always      # keep it up', '      policy: on-failure      # keep it up']]);
  assert.equal(statSync(file).mode & 0o777, 0o640, 'the file keeps its mode');

  assert.equal(runEngine(['config', 'set', 'processes.worker.command', '[python3, -u, worker.py]'], dir).status, 0);
  assert.match(readFileSync(file, 'utf8'), /^ {6}command: \[ python3, -u, worker\.py \] +# odd indent, kept$/m);
});

test('config set adds a new key as lines in place, the rest of the file byte for byte', () => {
  const dir = makeProject({ 'pitfile.yaml': commented });
  const file = join(dir, 'pitfile.yaml');
  assert.equal(runEngine(['config', 'set', 'processes.api.stop.timeout', '30s'], dir).status, 0);
  assert.equal(runEngine(['config', 'set', 'settings.shutdown_timeout', '20s'], dir).status, 0);
  const after = readFileSync(file, 'utf8');
  const added = ['    stop:', '      timeout: 30s', 'settings:', '  shutdown_timeout: 20s'];
  assert.equal(after.split('\n').filter((l) => !added.includes(l)).join('\n'), commented);
  assert.match(after, /PORT: "8080"\n {4}stop:\n {6}timeout: 30s\n {2}worker:/);
});

test('config set refuses an invalid value with file:line:column and leaves the file untouched', () => {
  const dir = makeProject({ 'pitfile.yaml': commented });
  const file = join(dir, 'pitfile.yaml');
  const r = runEngine(['config', 'set', 'processes.api.restart.policy', 'sometimes'], dir);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /pitfile\.yaml:8:15: processes\.api\.restart\.policy must be one of always, on-failure, never \(got "sometimes"\) \[PIT_E_CONFIG_ENUM\]/);
  assert.equal(readFileSync(file, 'utf8'), commented);
  const bad = runEngine(['config', 'set', 'processes.api.stop.timeout', 'soon'], dir);
  assert.equal(bad.status, 1);
  assert.equal(readFileSync(file, 'utf8'), commented);
});

test('config get and set name an unknown setting and suggest the close one', () => {
  const dir = makeProject({ 'pitfile.yaml': commented });
  for (const verb of [['get', 'processes.api.restrat.policy'], ['set', 'processes.api.restrat.policy', 'never']]) {
    const r = runEngine(['config', ...verb], dir);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /there is no setting processes\.api\.restrat; did you mean processes\.api\.restart\? \[PIT_E_CONFIG_UNKNOWN_SETTING\]/);
    assert.match(r.stderr, /settings here: command, cwd, env/);
  }
  assert.equal(readFileSync(join(dir, 'pitfile.yaml'), 'utf8'), commented);
});

test('config get prints the value as the engine sees it, the default when unset, JSON on request', () => {
  const dir = makeProject({ 'pitfile.yaml': commented, 'pitfile.local.yaml': 'processes:\n  api:\n    env: { DEBUG: "1" }\n' });
  assert.equal(runEngine(['config', 'get', 'processes.api.restart.delay'], dir).stdout, '1s\n');
  assert.deepEqual(JSON.parse(runEngine(['config', 'get', 'processes.api.env', '--json'], dir).stdout), { PORT: '8080', DEBUG: '1' });
  const unset = runEngine(['config', 'get', 'processes.api.stop.signal'], dir);
  assert.equal(unset.stdout, 'SIGTERM\n');
  assert.match(unset.stderr, /not set; this is its default/);
  const none = runEngine(['config', 'get', 'processes.api.health'], dir);
  assert.equal(none.status, 1);
  assert.match(none.stderr, /\[PIT_E_CONFIG_NOT_SET\]/);
});

test('config get gives every duration key its default, the value the engine uses', () => {
  const dir = makeProject({ 'pitfile.yaml': 'version: 1\nprocesses:\n  api:\n    command: sleep 100\n    health: { tcp: 8080 }\n' });
  const model = JSON.parse(runEngine(['config', 'show', '--json'], dir).stdout);
  const api = model.processes.api;
  const keys: [string, number][] = [
    ['processes.api.stop.timeout', api.stop.timeoutMs],
    ['processes.api.restart.delay', api.restart.delayMs],
    ['processes.api.restart.min_uptime', api.restart.minUptimeMs],
    ['processes.api.health.timeout', api.health.timeoutMs],
    ['heartbeat.interval', model.heartbeat.intervalMs],
    ['settings.shutdown_timeout', model.settings.shutdownTimeoutMs],
  ];
  for (const [key, engineMs] of keys) {
    const r = runEngine(['config', 'get', key], dir);
    assert.equal(r.status, 0, `${key}: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /no default|PIT_E_/, key);
    assert.match(r.stderr, new RegExp(`^${key.replace(/\./g, '\\.')} is not set; this is its default\n$`));
    assert.equal(parseDuration(r.stdout.trim()), engineMs, `${key} = ${r.stdout.trim()} is what the engine uses`);
  }
});

test('config get of a section shows the effective values, the defaults marked, the written ones not', () => {
  const dir = makeProject({ 'pitfile.yaml': 'version: 1\nprocesses:\n  api:\n    command: sleep 100\n    restart: { policy: always, delay: 1s }\n' });
  const yaml = runEngine(['config', 'get', 'processes.api.restart'], dir);
  assert.equal(yaml.status, 0, yaml.stderr);
  assert.equal(
    yaml.stdout,
    'policy: always\ndelay: 1s\nmax_delay: 30s # default\nmin_uptime: 5s # default\nmax_restarts: 10 # default\nwindow: 5m # default\non_unhealthy: false # default\n',
  );
  const json = runEngine(['config', 'get', 'processes.api.restart', '--json'], dir);
  assert.deepEqual(JSON.parse(json.stdout), { policy: 'always', delay: '1s', max_delay: '30s', min_uptime: '5s', max_restarts: 10, window: '5m', on_unhealthy: false });
  assert.equal(json.stderr, 'not set, so their defaults: max_delay, min_uptime, max_restarts, window, on_unhealthy\n');
  // A section the pitfile leaves out entirely is all defaults; one that means "none" when absent stays unset.
  assert.match(runEngine(['config', 'get', 'processes.api.stop'], dir).stdout, /^signal: SIGTERM # default\ntimeout: 10s # default\n$/);
  for (const none of ['processes.api.health', 'processes.api.limits', 'settings.dashboard']) {
    const r = runEngine(['config', 'get', none], dir);
    assert.equal(r.status, 1, none);
    assert.match(r.stderr, /\[PIT_E_CONFIG_NOT_SET\]/, none);
  }
  // A key under such a section names the section that is missing.
  const under = runEngine(['config', 'get', 'processes.api.health.timeout'], dir);
  assert.equal(under.status, 1);
  assert.match(under.stderr, /^processes\.api\.health is not set and has no default \[PIT_E_CONFIG_NOT_SET\]/);
});

test('config set --local writes pitfile.local.yaml, creating it, and the pitfile is untouched', () => {
  const dir = makeProject({ 'pitfile.yaml': commented });
  assert.equal(runEngine(['config', 'set', '--local', 'processes.api.env.DEBUG', '"1"'], dir).status, 0);
  assert.equal(runEngine(['config', 'set', '--local', 'processes.api.restart.policy', 'never'], dir).status, 0);
  assert.equal(readFileSync(join(dir, 'pitfile.yaml'), 'utf8'), commented);
  assert.equal(readFileSync(join(dir, 'pitfile.local.yaml'), 'utf8'), 'processes:\n  api:\n    env:\n      DEBUG: "1"\n    restart:\n      policy: never\n');
  assert.equal(runEngine(['config', 'get', 'processes.api.restart.policy'], dir).stdout, 'never\n');
});

test('config set edits the pit key of package.json as JSON', () => {
  const pkg = '{\n    "name": "app",\n    "pit": {\n        "version": 1,\n        "processes": { "api": { "command": "x" } }\n    }\n}\n';
  const dir = makeProject({ 'package.json': pkg });
  assert.equal(runEngine(['config', 'set', 'processes.api.restart.policy', 'never'], dir).status, 0);
  const data = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  assert.deepEqual(data.pit.processes.api, { command: 'x', restart: { policy: 'never' } });
  assert.match(readFileSync(join(dir, 'package.json'), 'utf8'), /^ {4}"name": "app",$/m, 'keeps its indentation');
});

test('a running engine applies config set by hot reload', async () => {
  const dir = makeProject({ 'pitfile.yaml': commented.replace(/ {2}worker:\n.*\n/, '') });
  const engine = runEngineProcess(dir);
  await engine.waitFor(/listening on/);
  const r = runEngine(['config', 'set', 'processes.late.command', '[node, -e, "setInterval(() => {}, 1000)"]'], dir);
  assert.equal(r.status, 0, r.stderr);
  await until(() => {
    const s = runEngine(['status', '--json'], dir);
    return s.status === 0 && JSON.parse(s.stdout).processes.some((p: { name: string; state: string }) => p.name === 'late' && p.state === 'running');
  }, 15_000, 'process "late" running after the set');
  assert.ok(!existsSync(join(dir, 'pitfile.local.yaml')));
});
