// What a pitfile needs from this machine, found before it runs: a missing
// cwd or program is an error (a warning when the process waits for others,
// who may make it, or runs through a shell); a watch path matching nothing
// and a cpu limit beyond the cores are warnings. Each at its line:column.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { loadPitfile } from '../../core/config/load.js';
import { PitfileError, type PitError } from '../../core/errors.js';
import { shellProgram } from '../../core/config/machine-checks.js';
import { makeProject } from '../helpers/project.js';

const env = { PATH: '/usr/local/bin:/usr/bin:/bin' };
const at = (e: PitError) => [e.code, e.where?.line, e.where?.column, e.where?.path];

/** The errors (thrown) and warnings of `text` loaded as engine run and validate load it. */
async function machineProblems(text: string, files: Record<string, string> = {}) {
  const dir = makeProject({ 'pitfile.yaml': text, ...files });
  try {
    const { warnings } = await loadPitfile({ cwd: dir, env, machine: true });
    return { dir, errors: [] as PitError[], warnings };
  } catch (e) {
    if (!(e instanceof PitfileError)) throw e;
    return { dir, errors: e.errors, warnings: e.warnings };
  }
}

test('a cwd that does not exist is an error at processes.<name>.cwd; a warning for a process that waits for others', async () => {
  const { errors } = await machineProblems('version: 1\nprocesses:\n  api:\n    command: ["sleep", "100"]\n    cwd: services/api\n');
  assert.deepEqual(errors.map(at), [['PIT_E_CONFIG_CWD_MISSING', 5, 10, 'processes.api.cwd']]);
  assert.match(errors[0].message, /services\/api does not exist/);
  const waiting = await machineProblems('version: 1\nprocesses:\n  build: { command: "true" }\n  api:\n    command: ["sleep", "100"]\n    cwd: dist\n    depends_on: { build: completed }\n');
  assert.deepEqual(waiting.errors, []);
  assert.deepEqual(waiting.warnings.map(at), [['PIT_E_CONFIG_CWD_MISSING', 6, 10, 'processes.api.cwd']]);
});

test('a list command whose program is not on PATH is an error at command[0]; through a shell, a warning', async () => {
  const list = await machineProblems('version: 1\nprocesses:\n  api:\n    command: ["gunicron", "app:app"]\n');
  assert.deepEqual(list.errors.map(at), [['PIT_E_CONFIG_PROGRAM_NOT_FOUND', 4, 15, 'processes.api.command[0]']]);
  assert.match(list.errors[0].message, /"gunicron" is not found on PATH \(PATH=\/usr\/local\/bin:\/usr\/bin:\/bin\)/);
  const shell = await machineProblems('version: 1\nprocesses:\n  api:\n    command: PORT=8000 gunicron app:app\n');
  assert.deepEqual(shell.errors, []);
  assert.deepEqual(shell.warnings.map(at), [['PIT_E_CONFIG_PROGRAM_NOT_FOUND', 4, 14, 'processes.api.command']]);
  const relative = await machineProblems('version: 1\nprocesses:\n  api:\n    command: ["./bin/serve"]\n');
  assert.match(relative.errors[0]?.message ?? '', /\.\/bin\/serve does not exist or is not executable/);
});

test('programs that exist pass, found by stat without running them', async () => {
  const dir = makeProject({ 'bin/serve': '#!/bin/sh\ntouch "$(dirname "$0")/../ran"\n' });
  chmodSync(join(dir, 'bin/serve'), 0o755);
  mkdirSync(join(dir, 'src'));
  const text = 'version: 1\nprocesses:\n  a: { command: ["./bin/serve"] }\n  b: { command: "sh -c \'exit 0\'" }\n  c: { command: "cd src && ../bin/serve" }\n  d: { command: ["serve"], env: { PATH: "bin" } }\n';
  writeFileSync(join(dir, 'pitfile.yaml'), text);
  const { warnings } = await loadPitfile({ cwd: dir, env, machine: true });
  assert.deepEqual(warnings, []);
  assert.ok(!existsSync(join(dir, 'ran')), 'checking a program ran it');
});

test('a watch path that matches nothing is a warning at its place; one that matches is not', async () => {
  const { errors, warnings } = await machineProblems(
    'version: 1\nwatchers:\n  code:\n    paths: ["src/**/*.py", "cfg/*.tmol"]\n    ignore: ["**/skip/**"]\n',
    { 'src/app/main.py': '', 'cfg/app.toml': '', 'cfg/skip/x.tmol': '' },
  );
  assert.deepEqual(errors, []);
  assert.deepEqual(warnings.map(at), [['PIT_E_CONFIG_WATCH_MATCHES_NOTHING', 4, 28, 'watchers.code.paths[1]']]);
});

test('a cpu limit above 100% per core is a warning', async () => {
  const over = availableParallelism() * 100 + 50;
  const { warnings } = await machineProblems(`version: 1\nprocesses:\n  api:\n    command: ["sleep", "100"]\n    limits: { cpu: ${over}% }\n`);
  assert.deepEqual(warnings.map(at), [['PIT_E_CONFIG_CPU_OVER_CORES', 5, 20, 'processes.api.limits.cpu']]);
  const fits = await machineProblems('version: 1\nprocesses:\n  api:\n    command: ["sleep", "100"]\n    limits: { cpu: 50% }\n');
  assert.deepEqual(fits.warnings, []);
});

test('without machine checks (export, the client verbs) none of this is looked at', async () => {
  const dir = makeProject({ 'pitfile.yaml': 'version: 1\nprocesses:\n  api: { command: ["gunicron"], cwd: nowhere }\n' });
  const { warnings } = await loadPitfile({ cwd: dir, env });
  assert.deepEqual(warnings, []);
});

test('the program of a shell command is read only when the command plainly names one', () => {
  assert.equal(shellProgram('python app.py'), 'python');
  assert.equal(shellProgram('PORT=8000 DEBUG=1 gunicorn app:app'), 'gunicorn');
  assert.equal(shellProgram('./run.sh --fast'), './run.sh');
  for (const c of ['cd src && make', '$HOME/bin/x', '"quoted name" a', '(sub shell)', 'exec gunicorn', 'source .env; x']) assert.equal(shellProgram(c), null, c);
});
