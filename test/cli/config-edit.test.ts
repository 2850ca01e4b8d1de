// engine config get|set on real files, and a running engine picking a set up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { makeProject } from '../helpers/project.js';
import { runEngine } from '../helpers/cli.js';
import { runEngineProcess } from '../helpers/engine-process.js';
import { until } from '../helpers/wait.js';

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
