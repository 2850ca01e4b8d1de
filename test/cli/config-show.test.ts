import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { runEngine } from '../helpers/cli.js';
import { makeProject } from '../helpers/project.js';

test('config show prints the pitfile after layering and interpolation', () => {
  const dir = makeProject({
    'pitfile.yaml': 'version: 1\nprocesses:\n  api: { command: "serve --port ${PIT_PORT:-8000}", env: { A: "1" } }\n',
    'pitfile.local.yaml': 'processes:\n  api: { env: { B: "2" } }\n',
  });
  const r = runEngine(['config', 'show'], dir, { ...process.env, PIT_PORT: '9001' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(parse(r.stdout), {
    version: 1,
    processes: { api: { command: 'serve --port 9001', env: { A: '1', B: '2' } } },
  });
});

test('config show --json prints the resolved model', () => {
  const dir = makeProject({ 'pitfile.yaml': 'version: 1\nprocesses:\n  api: { command: x, stop: { timeout: 3s } }\n' });
  const r = runEngine(['config', 'show', '--json'], dir);
  assert.equal(JSON.parse(r.stdout).processes.api.stop.timeoutMs, 3000);
});
