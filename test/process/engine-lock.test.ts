import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { acquireEngineLock } from '../../core/process/engine-lock.js';
import { readProcStat } from '../../core/process/proc-stat.js';
import { ensureStateDir, stateDirPaths } from '../../core/state-dir.js';
import { PitError } from '../../core/errors.js';
import { makeProject } from '../helpers/project.js';
import { repoRoot } from '../helpers/paths.js';
import { exitOf, firstLine } from '../helpers/child.js';
import { fillDisk, freeDisk, mountTmpfs } from '../helpers/tmpfs.js';

const newStateDir = () => {
  const stateDir = join(makeProject(), '.pit');
  ensureStateDir(stateDir);
  return stateDir;
};
const refusedBy = (pid: number) => (e: unknown) =>
  e instanceof PitError && e.code === 'PIT_E_ENGINE_RUNNING' && e.message === `another engine (pid ${pid}) is running for this project`;

test('a second holder is refused with the first one\'s pid; the lock file is 0600', () => {
  const stateDir = newStateDir();
  const lock = acquireEngineLock(stateDir);
  assert.equal(lock.tookOverFrom, undefined);
  assert.equal(statSync(stateDirPaths(stateDir).lock).mode & 0o777, 0o600);
  assert.deepEqual(JSON.parse(readFileSync(stateDirPaths(stateDir).lock, 'utf8')), { pid: process.pid, startTime: readProcStat(process.pid)!.startTime });
  assert.throws(() => acquireEngineLock(stateDir), refusedBy(process.pid));
  lock.release();
  acquireEngineLock(stateDir).release();
});

test('a stale lock from a dead engine is taken over', async () => {
  const stateDir = newStateDir();
  const dead = spawn('true');
  await exitOf(dead);
  writeFileSync(stateDirPaths(stateDir).lock, JSON.stringify({ pid: dead.pid, startTime: 1 }));
  const lock = acquireEngineLock(stateDir);
  assert.equal(lock.tookOverFrom, dead.pid);
  lock.release();
});

test('a lock whose pid now belongs to another program (other start time) is taken over', () => {
  const stateDir = newStateDir();
  writeFileSync(stateDirPaths(stateDir).lock, JSON.stringify({ pid: process.pid, startTime: readProcStat(process.pid)!.startTime - 1 }));
  const lock = acquireEngineLock(stateDir);
  assert.equal(lock.tookOverFrom, process.pid);
  lock.release();
});

test('release leaves alone a lock that is no longer ours', () => {
  const stateDir = newStateDir();
  const lock = acquireEngineLock(stateDir);
  const other = JSON.stringify({ pid: 999999, startTime: 5 });
  writeFileSync(stateDirPaths(stateDir).lock, other);
  lock.release();
  assert.equal(readFileSync(stateDirPaths(stateDir).lock, 'utf8'), other);
});

test('of 8 engines starting at once on a stale lock, exactly one gets it', async () => {
  const stateDir = newStateDir();
  writeFileSync(stateDirPaths(stateDir).lock, JSON.stringify({ pid: 999999, startTime: 5 }));
  const url = pathToFileURL(join(repoRoot, 'dist', 'core', 'process', 'engine-lock.js')).href;
  // Each holds the lock (if it gets it) until its stdin closes.
  const engines = Array.from({ length: 8 }, () =>
    spawn(process.execPath, ['--input-type=module', '-e', `
      const { acquireEngineLock } = await import(${JSON.stringify(url)});
      try { acquireEngineLock(${JSON.stringify(stateDir)}); console.log('acquired'); process.stdin.resume(); }
      catch (e) { console.log(e.code + ' ' + e.message); }
    `], { stdio: ['pipe', 'pipe', 'inherit'] }),
  );
  const said = await Promise.all(engines.map((e) => firstLine(e, 20_000)));
  const winners = engines.filter((_, i) => said[i] === 'acquired');
  assert.equal(winners.length, 1, said.join('\n'));
  for (const line of said.filter((l) => l !== 'acquired')) assert.equal(line, `PIT_E_ENGINE_RUNNING another engine (pid ${winners[0].pid}) is running for this project`);
  for (const e of engines) e.stdin!.end();
  await Promise.all(engines.map(exitOf));
});

test('on a full disk the lock is refused as PIT_E_ENGINE_LOCK_WRITE, leaving no empty lock behind; with space back it is taken', (t) => {
  const stateDir = join(makeProject(), '.pit');
  if (!mountTmpfs(t, stateDir, '1m')) return;
  const filler = fillDisk(stateDir);
  const file = stateDirPaths(stateDir).lock;
  assert.throws(() => acquireEngineLock(stateDir), (e: unknown) => e instanceof PitError && e.code === 'PIT_E_ENGINE_LOCK_WRITE' && /ENOSPC/.test(e.message));
  assert.equal(existsSync(file), false, 'no empty lock left to look like one being taken');
  freeDisk(filler);
  const lock = acquireEngineLock(stateDir);
  assert.equal(JSON.parse(readFileSync(file, 'utf8')).pid, process.pid);
  lock.release();
});
