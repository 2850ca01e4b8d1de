import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { findExecutable, spawnProcess, type SpawnSpec } from '../../core/process/spawn.js';
import { PitError } from '../../core/errors.js';
import { makeProject } from '../helpers/project.js';

const output = (child: ChildProcess) =>
  new Promise<string>((resolve) => {
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.once('close', () => resolve(out));
  });

const errorOf = (spec: SpawnSpec) => {
  try {
    spawnProcess(spec).kill('SIGKILL');
  } catch (e) {
    if (e instanceof PitError) return { code: e.code, message: e.message, fix: e.fix };
    throw e;
  }
  return null;
};

test('a string command runs through /bin/sh, a list runs without a shell', async () => {
  const dir = makeProject();
  const viaShell = spawnProcess({ command: 'echo "$0" $((1+1))', cwd: dir, env: process.env });
  assert.equal(await output(viaShell), '/bin/sh 2\n');
  const direct = spawnProcess({ command: ['echo', '$0', '$((1+1))'], cwd: dir, env: process.env });
  assert.equal(await output(direct), '$0 $((1+1))\n');
});

test('the child leads its own process group and gets exactly the given environment', async () => {
  const child = spawnProcess({ command: ['sh', '-c', 'echo $(ps -o pgid= -p $$) "$ONLY"'], cwd: makeProject(), env: { PATH: process.env.PATH, ONLY: 'me' } });
  const [pgid, only] = (await output(child)).trim().split(/\s+/);
  assert.equal(Number(pgid), child.pid);
  assert.equal(only, 'me');
});

test('a relative command and relative PATH entries resolve from the child\'s cwd', async () => {
  const dir = makeProject({ 'bin/hello': '#!/bin/sh\necho "hello from $0"\n' });
  chmodSync(join(dir, 'bin/hello'), 0o755);
  // The kernel hands a script's interpreter the path it resolved to.
  assert.equal(await output(spawnProcess({ command: ['./bin/hello'], cwd: dir, env: process.env })), `hello from ${dir}/bin/hello\n`);
  assert.equal(await output(spawnProcess({ command: ['hello'], cwd: dir, env: { PATH: 'bin' } })), `hello from ${dir}/bin/hello\n`);
});

test('a missing cwd, a missing command and a file that is not executable have their own codes', () => {
  const dir = makeProject({ 'data.txt': 'not a program' });
  mkdirSync(join(dir, 'folder'));
  const env = process.env;
  assert.equal(errorOf({ command: 'true', cwd: join(dir, 'nope'), env })?.code, 'PIT_E_PROCESS_CWD');
  assert.equal(errorOf({ command: 'true', cwd: join(dir, 'data.txt'), env })?.code, 'PIT_E_PROCESS_CWD');
  const notFound = errorOf({ command: ['no-such-tool-xyz'], cwd: dir, env });
  assert.equal(notFound?.code, 'PIT_E_PROCESS_COMMAND_NOT_FOUND');
  assert.match(notFound!.message, /command "no-such-tool-xyz" not found in PATH/);
  assert.equal(errorOf({ command: ['./not-here'], cwd: dir, env })?.code, 'PIT_E_PROCESS_COMMAND_NOT_FOUND');
  assert.equal(errorOf({ command: ['./data.txt'], cwd: dir, env })?.code, 'PIT_E_PROCESS_COMMAND_NOT_FOUND');
  assert.equal(errorOf({ command: ['./folder'], cwd: dir, env })?.code, 'PIT_E_PROCESS_COMMAND_NOT_FOUND');
  assert.equal(errorOf({ command: [], cwd: dir, env })?.code, 'PIT_E_PROCESS_COMMAND_NOT_FOUND');
});

test('a script whose #! interpreter is missing says so, and spots Windows line endings', () => {
  const dir = makeProject({ 'crlf.sh': '#!/bin/sh\r\necho hi\r\n', 'missing.py': '#!/no/such/python3 -u\nprint(1)\n' });
  chmodSync(join(dir, 'crlf.sh'), 0o755);
  chmodSync(join(dir, 'missing.py'), 0o755);
  const crlf = errorOf({ command: ['./crlf.sh'], cwd: dir, env: process.env });
  assert.equal(crlf?.code, 'PIT_E_PROCESS_INTERPRETER');
  assert.match(crlf!.fix!, /CRLF/);
  const missing = errorOf({ command: ['./missing.py'], cwd: dir, env: process.env });
  assert.equal(missing?.code, 'PIT_E_PROCESS_INTERPRETER');
  assert.match(missing!.message, /#!\/no\/such\/python3/);
});

test('an argument Node cannot pass (a NUL byte) is PIT_E_PROCESS_SPAWN, not a crash', () => {
  assert.equal(errorOf({ command: ['echo', 'a\0b'], cwd: makeProject(), env: process.env })?.code, 'PIT_E_PROCESS_SPAWN');
});

test('a PATH lookup is kept only until the event loop turns: a program added or removed later is seen at the next lookup', async () => {
  const dir = makeProject();
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  assert.equal(findExecutable('late-tool', dir, bin), null);
  await nextTurn();
  writeFileSync(join(bin, 'late-tool'), '#!/bin/sh\nexit 0\n');
  chmodSync(join(bin, 'late-tool'), 0o755);
  assert.equal(findExecutable('late-tool', dir, bin), join(bin, 'late-tool'), 'found once installed');
  assert.equal(findExecutable('late-tool', dir, '/nowhere'), null, 'another PATH is another lookup');
  await nextTurn();
  rmSync(join(bin, 'late-tool'));
  assert.equal(findExecutable('late-tool', dir, bin), null, 'gone once removed');
});
