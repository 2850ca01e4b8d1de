import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { endOrphans, writePidRecord } from '../../core/process/orphans.js';
import { readProcStat } from '../../core/process/proc-stat.js';
import { ensureStateDir, stateDirPaths } from '../../core/state-dir.js';
import { makeProject } from '../helpers/project.js';
import { within } from '../helpers/wait.js';

const sleeper = () => {
  const child = spawn('sleep', ['300'], { detached: true, stdio: 'ignore' });
  return { child, exited: new Promise((r) => child.once('exit', r)) };
};

test('a recorded process with its recorded start time is ended', async () => {
  const stateDir = join(makeProject(), '.pit');
  ensureStateDir(stateDir);
  const { child, exited } = sleeper();
  writePidRecord(stateDir, 'old', child.pid!);
  const reports = await endOrphans(stateDir);
  assert.deepEqual(reports, [{ name: 'old', pid: child.pid, outcome: 'ended' }]);
  await within(exited, 5000, 'the orphan to exit');
});

test('a record whose pid now belongs to another program is left alone', async () => {
  const stateDir = join(makeProject(), '.pit');
  ensureStateDir(stateDir);
  const { child } = sleeper();
  try {
    const real = readProcStat(child.pid!)!;
    // Same pid, another start time: what a reused pid looks like.
    writeFileSync(
      join(stateDirPaths(stateDir).pids, 'old.json'),
      JSON.stringify({ name: 'old', pid: child.pid, pgid: child.pid, startTime: real.startTime - 100, enginePid: 1 }),
    );
    const reports = await endOrphans(stateDir);
    assert.deepEqual(reports, [{ name: 'old', pid: child.pid, outcome: 'pid reused, left alone' }]);
    assert.equal(readProcStat(child.pid!)?.state === 'Z', false);
    assert.ok(readProcStat(child.pid!), 'still running');
  } finally {
    child.kill('SIGKILL');
  }
});
