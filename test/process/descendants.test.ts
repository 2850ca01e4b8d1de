import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { assignFamilies, findEscapees, newRunToken, RUN_VARIABLE, type Family } from '../../core/process/descendants.js';
import { trackRun } from '../../core/process/escapee-tracker.js';
import type { ProcStat } from '../../core/process/proc-stat.js';
import { readProcStat } from '../../core/process/proc-stat.js';
import { readGroupUsage } from '../../core/process/group-usage.js';
import { spawnProcess } from '../../core/process/spawn.js';
import { fixture } from '../helpers/paths.js';
import { makeProject } from '../helpers/project.js';
import { cleanupGroups, firstLine } from '../helpers/child.js';
import { isAlive, pidsWithArgv, uniqueMarker } from '../helpers/proc.js';
import { until } from '../helpers/wait.js';

const markers: string[] = [];
after(() => {
  for (const m of markers) for (const pid of pidsWithArgv(m)) process.kill(pid, 'SIGKILL');
});

const st = (pid: number, ppid: number, pgrp: number, startTime = 100, state = 'S'): ProcStat => ({ pid, ppid, pgrp, startTime, state, comm: 'x', cpuTicks: 0, rssPages: 0 });

test('a process is placed in the run its parent, its group, its marker or a known escapee puts it in', () => {
  const run: Family = { pgid: 10, token: 'tok', since: 50, escaped: [{ pid: 40, startTime: 100 }] };
  const stats = [
    st(12, 11, 12), // a grandchild that left; its parent comes after it in /proc order
    st(11, 10, 10),
    st(10, 1, 10),
    st(20, 1, 20), // double-forked, adopted by init: only its marker says whose it is
    st(21, 20, 21),
    st(30, 1, 30), // a stranger
    st(31, 30, 31, 100, 'Z'),
    st(40, 1, 40), // known from an earlier look
    st(41, 1, 41, 10), // carries the marker but is older than the run: not ours
  ];
  const of = assignFamilies(stats, [run], (pid) => (pid === 20 || pid === 41 ? 'tok' : null));
  assert.deepEqual([...of.keys()].sort((a, b) => a - b), [10, 11, 12, 20, 21, 40]);
});

test('one look finds a descendant that called setsid() and kept running, with its start time', async () => {
  const marker = uniqueMarker('escapee');
  markers.push(marker);
  const token = newRunToken();
  const child = spawnProcess({ command: ['python3', fixture('programs', 'escape-session.py'), marker, 'keep'], cwd: makeProject(), env: { ...process.env, [RUN_VARIABLE]: token } });
  cleanupGroups(child.pid!);
  const escapee = Number((await firstLine(child)).split(' ')[1]);
  const found = findEscapees({ pgid: child.pid!, token, since: readProcStat(child.pid!)!.startTime, escaped: [] });
  assert.deepEqual(found, [{ pid: escapee, startTime: readProcStat(escapee)!.startTime }]);
  // Its memory counts for the group it left.
  assert.equal(readGroupUsage(new Set([child.pid!])).get(child.pid!)?.members, 2);

  const changes: number[][] = [];
  const run = trackRun(child.pid!, token, readProcStat(child.pid!)!.startTime, (e) => changes.push(e.map((x) => x.pid)));
  assert.deepEqual((await run.escapees()).map((e) => e.pid), [escapee]);
  assert.deepEqual(changes, [[escapee]], 'the change is reported once');
  // Once the launcher is gone the escapee is still known (by pid and start time).
  process.kill(-child.pid!, 'SIGKILL');
  await new Promise((r) => child.once('exit', r));
  assert.deepEqual((await run.escapees()).map((e) => e.pid), [escapee]);
  process.kill(escapee, 'SIGKILL');
  await until(() => !isAlive(escapee), 5000, `escapee ${escapee} to die`); // init reaps it: no event of ours

  assert.deepEqual(await run.escapees(), []);
  assert.deepEqual(changes.at(-1), []);
  run.untrack();
});
