import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { spawnProcess } from '../../core/process/spawn.js';
import { killGroup, stopGroup } from '../../core/process/stop.js';
import { isGroupSignalable, listGroupMembers, readProcStat } from '../../core/process/proc-stat.js';
import { fixture } from '../helpers/paths.js';
import { makeProject } from '../helpers/project.js';
import { isAlive } from '../helpers/proc.js';
import { cleanupGroups, exitOf, firstLine } from '../helpers/child.js';
import { until, within } from '../helpers/wait.js';

const node = (program: string, ...args: string[]) => {
  const child = spawnProcess({ command: [process.execPath, fixture('programs', program), ...args], cwd: makeProject(), env: process.env });
  cleanupGroups(child.pid!);
  return child;
};

test('stop escalates to SIGKILL after the timeout for a child that ignores SIGTERM', async () => {
  const child = node('ignore-sigterm.mjs');
  const exited = exitOf(child);
  assert.equal(await firstLine(child), 'ready');
  const started = Date.now();
  const { killed } = await within(stopGroup(child.pid!, { signal: 'SIGTERM', timeoutMs: 500, exited }), 10_000, 'the stop');
  assert.equal(killed, true);
  assert.equal((await exited).signal, 'SIGKILL');
  assert.ok(Date.now() - started >= 450, 'waited for the timeout first');
});

test('a child that exits on its stop signal is not killed', async () => {
  const child = spawnProcess({ command: ['sleep', '300'], cwd: makeProject(), env: process.env });
  cleanupGroups(child.pid!);
  const exited = exitOf(child);
  const { killed } = await within(stopGroup(child.pid!, { signal: 'SIGINT', timeoutMs: 10_000, exited }), 5000, 'the stop');
  assert.equal(killed, false);
  assert.equal((await exited).signal, 'SIGINT');
});

test('grandchildren are gone after a stop', async () => {
  const child = node('spawn-grandchildren.mjs', '5');
  const exited = exitOf(child);
  const pids: number[] = JSON.parse(await firstLine(child));
  assert.ok(pids.every(isAlive));
  const { killed } = await within(stopGroup(child.pid!, { signal: 'SIGTERM', timeoutMs: 5000, exited }), 10_000, 'the stop');
  assert.equal(killed, false, 'SIGTERM was enough');
  assert.deepEqual(pids.filter(isAlive), []);
});

test('grandchildren that outlive their parent and ignore SIGTERM are killed at the timeout', async () => {
  // The leader exits at once; 50 grandchildren stay in its group, deaf to SIGTERM.
  const child = node('spawn-grandchildren.mjs', '50', 'exit', 'ignore-sigterm');
  const exited = exitOf(child);
  const pids: number[] = JSON.parse(await firstLine(child));
  await exited;
  assert.equal(pids.filter(isAlive).length, 50);
  const started = Date.now();
  const { killed } = await within(stopGroup(child.pid!, { signal: 'SIGTERM', timeoutMs: 500, exited }), 10_000, 'the stop');
  assert.equal(killed, true);
  assert.ok(Date.now() - started >= 450, 'waited for the timeout first');
  assert.deepEqual(pids.filter(isAlive), []);
  assert.deepEqual(listGroupMembers(child.pid!), []);
});

test('a group left with only zombies counts as empty: the stop does not wait out the timeout', async () => {
  // sh starts "setsid sleep 0" (a group of its own) and becomes "sleep 300",
  // which never reaps it: the group holds nothing but a zombie.
  const parent = spawn('/bin/sh', ['-c', 'setsid sleep 0 & echo $!; exec sleep 300'], { stdio: ['ignore', 'pipe', 'ignore'], detached: true });
  cleanupGroups(parent.pid!);
  const zombie = Number(await firstLine(parent));
  await until(() => readProcStat(zombie)?.state === 'Z', 10_000, `pid ${zombie} to become a zombie`);
  assert.equal(isGroupSignalable(zombie), true, 'kill(-pgid, 0) still counts the zombie');
  const started = Date.now();
  const { killed } = await stopGroup(zombie, { signal: 'SIGTERM', timeoutMs: 10_000, exited: Promise.resolve() });
  assert.equal(killed, false);
  assert.ok(Date.now() - started < 2000, `took ${Date.now() - started}ms`);
});

test('stopping 100 groups at once, 10 of them deaf to SIGTERM, takes about the timeout', async () => {
  const cwd = makeProject();
  const children = Array.from({ length: 100 }, (_, i) =>
    spawnProcess({ command: i % 10 === 0 ? 'trap "" TERM; echo ready; while :; do sleep 1; done' : 'echo ready; exec sleep 300', cwd, env: process.env }),
  );
  cleanupGroups(...children.map((c) => c.pid!));
  const exits = children.map(exitOf);
  await Promise.all(children.map((c) => firstLine(c, 30_000)));
  const started = Date.now();
  const results = await within(
    Promise.all(children.map((c, i) => stopGroup(c.pid!, { signal: 'SIGTERM', timeoutMs: 2000, exited: exits[i] }))),
    20_000,
    'the 100 stops',
  );
  const took = Date.now() - started;
  assert.equal(results.filter((r) => r.killed).length, 10);
  assert.ok(took >= 1950 && took < 3500, `took ${took}ms`);
  assert.ok(children.every((c) => !isAlive(c.pid!)));
});

test('killGroup says false for a group that is gone, and refuses pgid 0 and 1', async () => {
  const child = spawnProcess({ command: ['true'], cwd: makeProject(), env: process.env });
  await exitOf(child);
  assert.equal(killGroup(child.pid!, 'SIGTERM'), false);
  assert.throws(() => killGroup(0, 'SIGTERM'), /refusing/);
  assert.throws(() => killGroup(1, 'SIGTERM'), /refusing/);
});
