import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { parseEnv, readEnvFile } from '../../core/process/env-file.js';
import { PitError } from '../../core/errors.js';
import { makeProject } from '../helpers/project.js';

test('KEY=VALUE, export, quotes, comments and blank lines', () => {
  const text = [
    '# comment',
    'export A=1',
    'B = two words # note',
    'C="quoted # not a comment\\n"',
    "D='single $X \\n'",
    '',
    'E="closed" # a comment after the quote',
    'URL=http://x/#frag',
    'EMPTY=',
    'not a line',
    'export',
  ].join('\n');
  assert.deepEqual(parseEnv(text), {
    A: '1',
    B: 'two words',
    C: 'quoted # not a comment\n',
    D: 'single $X \\n',
    E: 'closed',
    URL: 'http://x/#frag',
    EMPTY: '',
  });
});

test('a quoted value may span lines; CRLF and a BOM are not part of any value', () => {
  assert.deepEqual(parseEnv('\uFEFFKEY="-----BEGIN-----\r\nabc\r\n-----END-----"\r\nNEXT=2\r\n'), {
    KEY: '-----BEGIN-----\nabc\n-----END-----',
    NEXT: '2',
  });
});

test('a later assignment wins', () => {
  assert.deepEqual(parseEnv('A=1\nA=2\n'), { A: '2' });
});

test('a missing env_file is PIT_E_PROCESS_ENV_FILE naming the file', () => {
  const file = join(makeProject(), '.env');
  assert.throws(
    () => readEnvFile(file),
    (e: unknown) => e instanceof PitError && e.code === 'PIT_E_PROCESS_ENV_FILE' && e.message.includes(file) && /no such file/.test(e.message),
  );
});

test('an env_file is read from disk', () => {
  const dir = makeProject({ '.env': 'PORT=8000\n' });
  assert.deepEqual(readEnvFile(join(dir, '.env')), { PORT: '8000' });
});
