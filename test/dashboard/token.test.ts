// The dashboard's token: kept across engine restarts while it stays
// private, replaced when anyone else could know it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeProject } from '../helpers/project.js';
import { dashboardToken, isToken, tokenFile } from '../../core/dashboard/token.js';

test('the token is kept across restarts, and a new one is made when its file is gone', () => {
  const dir = makeProject();
  const first = dashboardToken(dir);
  assert.match(first, /^[0-9a-f]{48}$/);
  assert.equal(statSync(tokenFile(dir)).mode & 0o777, 0o600);
  assert.equal(dashboardToken(dir), first, 'the same token for the next engine');
  rmSync(tokenFile(dir));
  const second = dashboardToken(dir);
  assert.notEqual(second, first);
  assert.equal(readFileSync(tokenFile(dir), 'utf8').trim(), second);
});

test('a token file others could read, a link or a malformed one is replaced, never used', () => {
  const dir = makeProject();
  const kept = dashboardToken(dir);
  chmodSync(tokenFile(dir), 0o644);
  const afterLeak = dashboardToken(dir);
  assert.notEqual(afterLeak, kept, 'a token readable by others is not reused');
  assert.equal(statSync(tokenFile(dir)).mode & 0o777, 0o600);

  writeFileSync(tokenFile(dir), 'short\n', { mode: 0o600 });
  assert.match(dashboardToken(dir), /^[0-9a-f]{48}$/);

  const planted = join(makeProject(), 'planted');
  writeFileSync(planted, `${'a'.repeat(48)}\n`, { mode: 0o600 });
  rmSync(tokenFile(dir));
  symlinkSync(planted, tokenFile(dir));
  // A link is neither read nor written through: the token file stays refused (PIT_E_STATE_FILE_LINK).
  assert.throws(() => dashboardToken(dir), (e: Error & { code?: string }) => e.code === 'PIT_E_STATE_FILE_LINK');
  assert.equal(readFileSync(planted, 'utf8'), `${'a'.repeat(48)}\n`, 'the planted file is untouched');
});

test('isToken compares whole tokens only', () => {
  const t = 'ab'.repeat(24);
  assert.equal(isToken(t, t), true);
  assert.equal(isToken(t.slice(0, 47), t), false);
  assert.equal(isToken(`${t}0`, t), false);
  assert.equal(isToken('', t), false);
});
