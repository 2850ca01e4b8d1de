import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writePidRecord, removePidRecord } from '../../core/process/orphans.js';
import { onPidRecordTrouble } from '../../core/process/pid-record-file.js';
import type { PitError } from '../../core/errors.js';
import { makeProject } from '../helpers/project.js';
import { until } from '../helpers/wait.js';

test('a pid record that cannot be written never throws, is said once, and is written by a retry once it can be', async () => {
  const stateDir = join(makeProject(), '.pit');
  mkdirSync(stateDir);
  // The pids folder is a file: every write fails, as on a full disk.
  writeFileSync(join(stateDir, 'pids'), '');
  const heard: (PitError | null)[] = [];
  const stop = onPidRecordTrouble(stateDir, (e) => heard.push(e));
  try {
    assert.doesNotThrow(() => writePidRecord(stateDir, 'api', process.pid));
    assert.doesNotThrow(() => writePidRecord(stateDir, 'worker', process.pid));
    assert.deepEqual(heard.map((e) => e?.code), ['PIT_E_PIDS_WRITE']);
    assert.match(heard[0]!.message, /pids\/api\.\d+\.json: ENOTDIR/);
    // A record whose process is gone before it could be written is not written later.
    removePidRecord(stateDir, 'worker', process.pid);
    rmSync(join(stateDir, 'pids'));
    mkdirSync(join(stateDir, 'pids'));
    await until(() => heard.length === 2, 5000, 'the records to be written again');
    assert.equal(heard[1], null);
    assert.equal(JSON.parse(readFileSync(join(stateDir, 'pids', `api.${process.pid}.json`), 'utf8')).pid, process.pid);
    assert.throws(() => readFileSync(join(stateDir, 'pids', `worker.${process.pid}.json`)), /ENOENT/);
  } finally {
    stop();
  }
});
