import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { spawnProcess } from '../../core/process/spawn.js';
import { readEnvFile } from '../../core/process/env-file.js';
import { PitError } from '../../core/errors.js';
import { makeProject } from '../helpers/project.js';

const output = (child: ChildProcess) =>
  new Promise<string>((resolve) => {
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.once('close', () => resolve(out));
  });

test('a string command runs through /bin/sh, a list runs without a shell', async () => {
  const dir = makeProject();
  const viaShell = spawnProcess({ command: 'echo "$0" $((1+1))', cwd: dir, env: process.env });
  assert.equal(await output(viaShell), '/bin/sh 2\n');
  const direct = spawnProcess({ command: ['echo', '$0', '$((1+1))'], cwd: dir, env: process.env });
  assert.equal(await output(direct), '$0 $((1+1))\n');
});

test('the child leads its own process group', async () => {
  const child = spawnProcess({ command: ['sh', '-c', 'ps -o pgid= -p $$'], cwd: makeProject(), env: process.env });
  assert.equal(Number((await output(child)).trim()), child.pid);
});

test('a missing cwd, a missing command and a missing env_file have their own codes', () => {
  const dir = makeProject();
  const code = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return e instanceof PitError ? e.code : String(e);
    }
    return 'no error';
  };
  assert.equal(code(() => spawnProcess({ command: 'true', cwd: join(dir, 'nope'), env: process.env })), 'PIT_E_PROCESS_CWD');
  assert.equal(code(() => spawnProcess({ command: ['no-such-tool-xyz'], cwd: dir, env: process.env })), 'PIT_E_PROCESS_COMMAND_NOT_FOUND');
  assert.equal(code(() => spawnProcess({ command: ['./not-here'], cwd: dir, env: process.env })), 'PIT_E_PROCESS_COMMAND_NOT_FOUND');
  assert.equal(code(() => readEnvFile(join(dir, '.env'))), 'PIT_E_PROCESS_ENV_FILE');
});

test('env files read KEY=VALUE, export, quotes and comments', () => {
  const dir = makeProject({
    '.env': '# comment\nexport A=1\nB = two words # note\nC="quoted # not a comment\\n"\nD=\'single $X\'\n\nnot a line\n',
  });
  assert.deepEqual(readEnvFile(join(dir, '.env')), { A: '1', B: 'two words', C: 'quoted # not a comment\n', D: 'single $X' });
});
