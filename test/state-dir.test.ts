import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { ensureStateDir, logPath, stateDirPaths } from '../core/state-dir.js';
import { makeProject } from './helpers/project.js';

test('the state directory and its folders are created for the owner only (0700)', () => {
  const stateDir = join(makeProject(), 'deep', '.pit');
  ensureStateDir(stateDir);
  const p = stateDirPaths(stateDir);
  for (const dir of [stateDir, p.logs, p.pids]) assert.equal(statSync(dir).mode & 0o777, 0o700, dir);
  ensureStateDir(stateDir); // again: nothing to do, no error
});

test('every path lives under the state directory', () => {
  const p = stateDirPaths('/srv/app/.pit');
  assert.deepEqual(p, {
    logs: '/srv/app/.pit/logs',
    pids: '/srv/app/.pit/pids',
    lock: '/srv/app/.pit/engine.lock',
    socket: '/srv/app/.pit/engine.sock',
    heartbeat: '/srv/app/.pit/engine.heartbeat',
  });
  assert.equal(logPath('/srv/app/.pit', 'api'), '/srv/app/.pit/logs/api.log');
});
