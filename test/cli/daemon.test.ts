// engine run --daemon: the engine in the background gets every flag `run`
// was given, as the foreground engine would.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeProject } from '../helpers/project.js';
import { runEngine } from '../helpers/cli.js';
import { freePort } from '../helpers/port.js';
import { isAlive } from '../helpers/proc.js';

const idle = `["node", "-e", "setInterval(() => {}, 1000)"]`;

test('run --daemon --dashboard serves the dashboard, and the command prints its address once', async () => {
  const port = await freePort();
  const dir = makeProject({ 'pitfile.yaml': `version: 1\nprocesses:\n  a: { command: ${idle} }\n` });
  const r = runEngine(['run', '--daemon', '--dashboard', `127.0.0.1:${port}`], dir);
  assert.equal(r.status, 0, r.stderr);
  const pid = Number(readFileSync(join(dir, '.pit', 'engine.pid'), 'utf8'));
  after(() => isAlive(pid) && process.kill(pid, 'SIGKILL'));
  const token = readFileSync(join(dir, '.pit', 'dashboard.token'), 'utf8').trim();
  // Not a terminal: the address without the token, which stays in its file.
  assert.match(r.stdout, new RegExp(`^  dashboard: http://127\\.0\\.0\\.1:${port}/ \\(add #token= and the contents of \\.pit/dashboard\\.token\\)$`, 'm'));
  assert.ok(!r.stdout.includes(token), 'the token was printed to a pipe');
  const page = await fetch(`http://127.0.0.1:${port}/`);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type') ?? '', /text\/html/);
  assert.equal((await fetch(`http://127.0.0.1:${port}/v1/processes`)).status, 401, 'the API is behind the token');
  assert.equal((await fetch(`http://127.0.0.1:${port}/v1/processes`, { headers: { authorization: `Bearer ${token}` } })).status, 200);
  assert.equal(runEngine(['shutdown'], dir).status, 0);
  assert.equal(isAlive(pid), false);
});

test('run --daemon refuses a bad --dashboard address in this terminal, before anything starts', () => {
  const dir = makeProject({ 'pitfile.yaml': `version: 1\nprocesses:\n  a: { command: ${idle} }\n` });
  const r = runEngine(['run', '--daemon', '--dashboard', 'nowhere'], dir);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /--dashboard takes host:port.*got "nowhere".*\[PIT_E_CLI_USAGE\]/);
  assert.equal(runEngine(['status'], dir).status, 3, 'no engine was started');
});
