import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { acquireEngineLock } from '../../core/process/engine-lock.js';
import { ensureStateDir, stateDirPaths } from '../../core/state-dir.js';
import { PitError } from '../../core/errors.js';
import { makeProject } from '../helpers/project.js';

test('a second holder is refused with the first one\'s pid; the lock file is 0600', () => {
  const stateDir = join(makeProject(), '.pit');
  ensureStateDir(stateDir);
  const lock = acquireEngineLock(stateDir);
  assert.equal(statSync(stateDirPaths(stateDir).lock).mode & 0o777, 0o600);
  assert.throws(() => acquireEngineLock(stateDir), (e: unknown) => e instanceof PitError && e.code === 'PIT_E_ENGINE_RUNNING' && e.message.includes(`pid ${process.pid}`));
  lock.release();
  acquireEngineLock(stateDir).release();
});

test('a stale lock from a dead engine is taken over', () => {
  const stateDir = join(makeProject(), '.pit');
  ensureStateDir(stateDir);
  const dead = spawnSync('sh', ['-c', 'echo $$'], { encoding: 'utf8' });
  const deadPid = Number(dead.stdout.trim());
  writeFileSync(stateDirPaths(stateDir).lock, JSON.stringify({ pid: deadPid, startTime: 1 }));
  const lock = acquireEngineLock(stateDir);
  assert.equal(lock.tookOverFrom, deadPid);
  lock.release();
});
