import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { EscapeeTracker, TRACK_INTERVAL_MS, type ProcReader } from '../../core/process/escapee-tracker.js';
import { listPids, newRunToken, readRunMarker } from '../../core/process/descendants.js';
import { readProcStat } from '../../core/process/proc-stat.js';
import { cleanupGroups, firstLine } from '../helpers/child.js';
import { isAlive } from '../helpers/proc.js';
import { until } from '../helpers/wait.js';

/** The real /proc, with every read written down. */
function countingProc(): ProcReader & { stats: number[]; markers: number[]; lists: number } {
  const r = {
    stats: [] as number[],
    markers: [] as number[],
    lists: 0,
    listPids: () => {
      r.lists++;
      return listPids();
    },
    readStat: (pid: number) => {
      r.stats.push(pid);
      return readProcStat(pid);
    },
    readMarker: (pid: number) => {
      r.markers.push(pid);
      return readRunMarker(pid);
    },
  };
  return r;
}

/** A periodic timer the test turns by hand. */
function handTimer() {
  const jobs: { periodMs: number; run: () => void }[] = [];
  return {
    jobs,
    every(periodMs: number, run: () => void) {
      const job = { periodMs, run };
      jobs.push(job);
      return () => void jobs.splice(jobs.indexOf(job), 1);
    },
    tick: () => jobs.forEach((j) => j.run()),
  };
}

test('a periodic look while nothing forks reads no file of the run, and a process the run forks is read and found at the next', async () => {
  // A shell in its own group that, on a line, starts `setsid sleep` (it leaves the group at once, without forking again).
  const child = spawn('sh', ['-c', 'read a; setsid sleep 1000 & echo $!; read b'], { detached: true, stdio: ['pipe', 'pipe', 'ignore'] });
  const pgid = child.pid!;
  cleanupGroups(pgid);
  const proc = countingProc();
  const timer = handTimer();
  const tracker = new EscapeeTracker(proc, timer);
  const changes: number[][] = [];
  const run = tracker.track(pgid, newRunToken(), readProcStat(pgid)!.startTime, (e) => changes.push(e.map((x) => x.pid)));
  try {
    assert.deepEqual(timer.jobs.map((j) => j.periodMs), [TRACK_INTERVAL_MS], 'one periodic look');
    assert.deepEqual(await run.escapees(), []);
    assert.ok(proc.stats.includes(pgid), 'the first look reads the shell');
    timer.tick(); // the shell was new at the look before: read once more
    proc.stats.length = 0;
    proc.markers.length = 0;
    timer.tick();
    assert.equal(proc.lists, 3, 'each look lists /proc once');
    // Other processes on the host may be new: only the run's are checked.
    assert.ok(!proc.stats.includes(pgid) && !proc.markers.includes(pgid), `the shell was read again: ${proc.stats}`);
    assert.deepEqual(changes, []);

    child.stdin!.write('go\n');
    const escapee = Number(await firstLine(child));
    // The look must come after setsid(): before it, the sleep would still be in the group.
    await until(() => readProcStat(escapee)?.pgrp === escapee, 5000, 'the sleep to leave the group');
    timer.tick();
    assert.ok(proc.stats.includes(escapee), 'the new process is read');
    assert.deepEqual(changes, [[escapee]], 'found by its parent, at the periodic look');
    assert.deepEqual(run.known().map((e) => e.pid), [escapee]);
    process.kill(escapee, 'SIGKILL');
    await until(() => !isAlive(escapee), 5000, `escapee ${escapee} to die`);
  } finally {
    run.untrack();
    child.stdin!.end();
  }
  assert.deepEqual(timer.jobs, [], 'the periodic look ends with the last run');
});
