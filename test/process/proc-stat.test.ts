import { test } from 'node:test';
import assert from 'node:assert/strict';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { spawnProcess } from '../../core/process/spawn.js';
import { listGroupMembers, parseProcStat, readProcStat } from '../../core/process/proc-stat.js';
import { makeProject } from '../helpers/project.js';
import { cleanupGroups, exitOf, firstLine } from '../helpers/child.js';
import { until } from '../helpers/wait.js';

test('fields are counted from the last ")", so a command name with spaces and parentheses shifts nothing', () => {
  const line = '4242 (a) (b c) S 1 4240 4240 0 -1 4194560 0 0 0 0 7 5 0 0 20 0 1 0 987654 1000 100\n';
  assert.deepEqual(parseProcStat(4242, line), { pid: 4242, comm: 'a) (b c', state: 'S', ppid: 1, pgrp: 4240, startTime: 987654, cpuTicks: 12, rssPages: 100 });
});

test('a real process named "a) (b c" reads right', async () => {
  // The kernel names a process after the file it ran: here, a symlink to sleep.
  const dir = makeProject();
  symlinkSync('/bin/sleep', join(dir, 'a) (b c'));
  const child = spawnProcess({ command: [join(dir, 'a) (b c'), '300'], cwd: dir, env: process.env });
  cleanupGroups(child.pid!);
  await new Promise((r) => child.once('spawn', r));
  await until(() => readProcStat(child.pid!)?.comm === 'a) (b c', 5000, 'exec to finish');
  const st = readProcStat(child.pid!)!;
  assert.equal(st.pgrp, child.pid);
  assert.equal(st.ppid, process.pid);
  assert.ok(st.startTime >= readProcStat(process.pid)!.startTime);
  child.kill('SIGKILL');
});

test('a pid with no process reads as null', () => {
  assert.equal(readProcStat(2 ** 22 + 1), null);
});

test('group members are the live processes of the group, zombies left out', async () => {
  // sh starts "sleep 0" and becomes "sleep 300", which never reaps it.
  const child = spawnProcess({ command: 'sleep 0 & echo $!; exec sleep 300', cwd: makeProject(), env: process.env });
  cleanupGroups(child.pid!);
  const zombie = Number(await firstLine(child));
  await until(() => readProcStat(zombie)?.state === 'Z', 10_000, `pid ${zombie} to become a zombie`);
  assert.equal(readProcStat(zombie)!.pgrp, child.pid);
  assert.deepEqual(listGroupMembers(child.pid!), [child.pid]);
  child.kill('SIGKILL');
  await exitOf(child);
});
