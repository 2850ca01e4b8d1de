// engine dashboard: the running engine's dashboard address with its token,
// read from the state dir (the API never sends the token); a clear error
// when the engine runs without one, or when none runs.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeProject } from '../helpers/project.js';
import { runEngine, runEngineAsync } from '../helpers/cli.js';
import { runEngineProcess } from '../helpers/engine-process.js';
import { freePort } from '../helpers/port.js';
import { within } from '../helpers/wait.js';

const idle = `["node", "-e", "setInterval(() => {}, 1000)"]`;

function engineIn(dir: string, args: string[] = []) {
  const engine = runEngineProcess(dir, args);
  after(async () => {
    engine.child.kill('SIGTERM');
    await within(engine.exited, 15_000, 'the engine to stop');
  });
  return engine;
}

test('engine dashboard prints the address of the running dashboard with the token it accepts; the API itself never sends the token', async () => {
  const dir = makeProject({ 'pitfile.yaml': `version: 1\nprocesses:\n  api: { command: ${idle} }\n` });
  const port = await freePort();
  const engine = engineIn(dir, ['--dashboard', `127.0.0.1:${port}`]);
  await engine.waitFor(/listening on/);
  const r = await runEngineAsync(['dashboard'], dir);
  assert.equal(r.status, 0, r.stderr);
  const token = readFileSync(join(dir, '.pit', 'dashboard.token'), 'utf8').trim();
  assert.equal(r.stdout, `http://127.0.0.1:${port}/#token=${token}\n`);
  const info = await fetch(`http://127.0.0.1:${port}/v1/engine`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(info.status, 200, 'the printed token opens the dashboard');
  const body = await info.text();
  assert.equal(JSON.parse(body).dashboard, `http://127.0.0.1:${port}/`);
  assert.ok(!body.includes(token), 'the token is not in the API answer');
});

test('engine dashboard fails with PIT_E_DASHBOARD_OFF and how to turn it on when the engine runs without one, and exit 3 when none runs', async () => {
  const dir = makeProject({ 'pitfile.yaml': `version: 1\nprocesses:\n  api: { command: ${idle} }\n` });
  const none = runEngine(['dashboard'], dir);
  assert.equal(none.status, 3, none.stderr);
  assert.match(none.stderr, /PIT_E_CONTROL_NO_ENGINE/);
  const engine = engineIn(dir);
  await engine.waitFor(/listening on/);
  const r = await runEngineAsync(['dashboard'], dir);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /the engine \(pid \d+\) runs without its dashboard/);
  assert.match(r.stderr, /PIT_E_DASHBOARD_OFF/);
  assert.match(r.stderr, /engine run --dashboard/);
  assert.equal(r.stdout, '', 'no address printed');
});

test('engine dashboard prints no token from a file others could read, and says how to get a private one', async () => {
  const dir = makeProject({ 'pitfile.yaml': `version: 1\nprocesses:\n  api: { command: ${idle} }\n` });
  const port = await freePort();
  const engine = engineIn(dir, ['--dashboard', `127.0.0.1:${port}`]);
  await engine.waitFor(/listening on/);
  const file = join(dir, '.pit', 'dashboard.token');
  const token = readFileSync(file, 'utf8').trim();
  chmodSync(file, 0o644);
  const r = await runEngineAsync(['dashboard'], dir);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /PIT_E_DASHBOARD_TOKEN_FILE/);
  assert.match(r.stderr, /engine run --dashboard/);
  assert.equal(r.stdout, '');
  assert.ok(!r.stderr.includes(token), 'the token is not printed anywhere');
});
