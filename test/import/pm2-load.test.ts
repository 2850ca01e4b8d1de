// A JS ecosystem file is a program: importing it runs it, as PM2 does, but
// in a child node process with a timeout and a bare environment.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importFile } from '../../core/import/import-file.js';
import { PitError } from '../../core/errors.js';
import { makeProject } from '../helpers/project.js';
import { runEngine } from '../helpers/cli.js';
import { until } from '../helpers/wait.js';
import { isAlive } from '../helpers/proc.js';

test('an ecosystem file that never finishes loading is killed at the timeout with PIT_E_IMPORT_TIMEOUT', async () => {
  const dir = makeProject({ 'ecosystem.config.cjs': `require('fs').writeFileSync(__dirname + '/pid', String(process.pid)); for (;;) {}\n` });
  const started = Date.now();
  await assert.rejects(
    importFile({ file: join(dir, 'ecosystem.config.cjs'), outDir: dir, timeoutMs: 1000 }),
    (e: unknown) => e instanceof PitError && e.code === 'PIT_E_IMPORT_TIMEOUT' && /within 1s/.test(e.message),
  );
  assert.ok(Date.now() - started < 10_000, 'it did not wait for the loop');
  const pid = Number(readFileSync(join(dir, 'pid'), 'utf8'));
  assert.notEqual(pid, process.pid, 'the loop ran in another process');
  assert.throws(() => process.kill(pid, 0), /ESRCH/, 'and that process is gone');
});

test('the CLI reports a looping ecosystem file with its code and fix', () => {
  const dir = makeProject({ 'ecosystem.config.cjs': 'for (;;) {}\n' });
  const r = runEngine(['import', 'ecosystem.config.cjs', '--dry-run'], dir);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /did not finish loading within 5s.*\[PIT_E_IMPORT_TIMEOUT\]/);
  assert.match(r.stderr, /fix: an ecosystem file should only export its apps/);
});

test('what an ecosystem file does at load it does in a child, with none of the engine\'s environment', async () => {
  process.env.PIT_TEST_SECRET = 'engine-only';
  const dir = makeProject({
    'ecosystem.config.cjs': `const fs = require('fs');
fs.writeFileSync(__dirname + '/side-effect.json', JSON.stringify({ pid: process.pid, secret: process.env.PIT_TEST_SECRET ?? null, cwd: process.cwd() }));
module.exports = { apps: [{ name: 'api', script: 'server.js' }] };
`,
  });
  try {
    const r = await importFile({ file: join(dir, 'ecosystem.config.cjs'), outDir: dir });
    assert.deepEqual(r.processes, ['api']);
    const seen = JSON.parse(readFileSync(join(dir, 'side-effect.json'), 'utf8'));
    assert.notEqual(seen.pid, process.pid, 'the file ran in a child');
    assert.equal(seen.secret, null, "the engine's environment did not reach it");
    assert.equal(seen.cwd, dir, 'it ran in its own folder');
  } finally {
    delete process.env.PIT_TEST_SECRET;
  }
});

test('an ESM ecosystem file (export default) and an array of apps load too', async () => {
  const dir = makeProject({
    'ecosystem.config.mjs': `export default { apps: [{ name: 'web', script: 'web.js', args: ['--port', '3000'] }] };\n`,
    'pm2.config.cjs': `module.exports = [{ name: 'job', script: 'job.py' }];\n`,
  });
  const esm = await importFile({ file: join(dir, 'ecosystem.config.mjs'), outDir: dir });
  assert.match(esm.text, /command: \[node, web\.js, --port, "3000"\]/);
  const list = await importFile({ file: join(dir, 'pm2.config.cjs'), outDir: dir });
  assert.match(list.text, /command: \[python, job\.py\]/);
});

test('an ecosystem file that throws is PIT_E_IMPORT_EVAL with its message', async () => {
  const dir = makeProject({ 'ecosystem.config.cjs': `require('no-such-module-for-pit');\n` });
  await assert.rejects(importFile({ file: join(dir, 'ecosystem.config.cjs'), outDir: dir }), (e: unknown) => e instanceof PitError && e.code === 'PIT_E_IMPORT_EVAL' && /no-such-module-for-pit/.test(e.message));
  assert.ok(!existsSync(join(dir, 'pitfile.yaml')));
});

test('a process an ecosystem file starts at load does not outlive the import', async () => {
  const dir = makeProject({
    'ecosystem.config.cjs': `const { spawn } = require('child_process');
const c = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'inherit' });
require('fs').writeFileSync(__dirname + '/grandchild', String(c.pid));
module.exports = { apps: [{ name: 'api', script: 'server.js' }] };
`,
  });
  const r = await importFile({ file: join(dir, 'ecosystem.config.cjs'), outDir: dir, timeoutMs: 5000 });
  assert.deepEqual(r.processes, ['api'], 'the apps were read although a child kept the pipes open');
  const pid = Number(readFileSync(join(dir, 'grandchild'), 'utf8'));
  await until(() => !isAlive(pid) || null, 5000, `the process the file started (${pid}) to end`);
});
