import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { endOrphans, removePidRecord, writePidRecord } from '../../core/process/orphans.js';
import { readProcStat } from '../../core/process/proc-stat.js';
import { spawnProcess } from '../../core/process/spawn.js';
import { ensureStateDir, stateDirPaths } from '../../core/state-dir.js';
import { fixture, repoRoot } from '../helpers/paths.js';
import { makeProject } from '../helpers/project.js';
import { isAlive } from '../helpers/proc.js';
import { cleanupGroups, exitOf, firstLine } from '../helpers/child.js';
import { until, within } from '../helpers/wait.js';

const newStateDir = () => {
  const stateDir = join(makeProject(), '.pit');
  ensureStateDir(stateDir);
  return stateDir;
};
const moduleUrl = (rel: string) => pathToFileURL(join(repoRoot, 'dist', rel)).href;

test('the orphans of a killed engine, grandchildren included, are ended by the next one', async () => {
  const stateDir = newStateDir();
  // The "old engine": starts a process that forks 3 grandchildren, records
  // it as the engine does, reports the pids, and is then SIGKILLed.
  const old = spawn(process.execPath, ['--input-type=module', '-e', `
    const { spawnProcess } = await import(${JSON.stringify(moduleUrl('core/process/spawn.js'))});
    const { writePidRecord } = await import(${JSON.stringify(moduleUrl('core/process/orphans.js'))});
    const child = spawnProcess({ command: [process.execPath, ${JSON.stringify(fixture('programs', 'spawn-grandchildren.mjs'))}, '3'], cwd: '.', env: process.env });
    child.stdout.once('data', (d) => {
      writePidRecord(${JSON.stringify(stateDir)}, 'api', child.pid);
      console.log(JSON.stringify({ pid: child.pid, grandchildren: JSON.parse(d) }));
    });
    setInterval(() => {}, 1 << 30);
  `], { stdio: ['ignore', 'pipe', 'inherit'] });
  const { pid, grandchildren } = JSON.parse(await firstLine(old)) as { pid: number; grandchildren: number[] };
  cleanupGroups(pid);
  old.kill('SIGKILL');
  await exitOf(old);
  assert.ok([pid, ...grandchildren].every(isAlive), 'the old engine\'s processes outlive it');

  const reports = await within(endOrphans(stateDir), 10_000, 'endOrphans');
  assert.deepEqual(reports, [{ name: 'api', pid, outcome: 'ended' }]);
  // Not our children: no exit event to await, only /proc.
  await until(() => ![pid, ...grandchildren].some(isAlive), 5000, 'the orphans to be gone');
  assert.deepEqual(readdirSync(stateDirPaths(stateDir).pids), []);
});

test('what a dead leader left in its group is ended too', async () => {
  const stateDir = newStateDir();
  const child = spawnProcess({ command: [process.execPath, fixture('programs', 'spawn-grandchildren.mjs'), '3'], cwd: makeProject(), env: process.env });
  cleanupGroups(child.pid!);
  const grandchildren: number[] = JSON.parse(await firstLine(child));
  writePidRecord(stateDir, 'api', child.pid!);
  child.kill('SIGKILL'); // the leader only: its grandchildren stay in the group
  await exitOf(child);
  assert.ok(grandchildren.every(isAlive));
  assert.deepEqual(await endOrphans(stateDir), [{ name: 'api', pid: child.pid, outcome: 'ended' }]);
  await until(() => !grandchildren.some(isAlive), 5000, 'the grandchildren to be gone');
});

test('a record whose pid now belongs to another program (same pid, other start time) is left alone', async () => {
  const stateDir = newStateDir();
  const child = spawn('sleep', ['300'], { detached: true, stdio: 'ignore' });
  cleanupGroups(child.pid!);
  const exited = exitOf(child);
  const real = readProcStat(child.pid!)!;
  writeFileSync(
    join(stateDirPaths(stateDir).pids, 'old.json'),
    JSON.stringify({ name: 'old', pid: child.pid, pgid: child.pid, startTime: real.startTime - 100, enginePid: 1 }),
    { mode: 0o600 },
  );
  assert.deepEqual(await endOrphans(stateDir), [{ name: 'old', pid: child.pid, outcome: 'pid reused, left alone' }]);
  assert.ok(isAlive(child.pid!), 'still running');
  assert.equal(existsSync(join(stateDirPaths(stateDir).pids, 'old.json')), false, 'the record is dropped');
  child.kill('SIGKILL');
  await exited;
});

test('a record of a process that is gone is removed and reported gone', async () => {
  const stateDir = newStateDir();
  const child = spawn('true');
  await exitOf(child);
  writeFileSync(join(stateDirPaths(stateDir).pids, 'done.json'), JSON.stringify({ name: 'done', pid: child.pid, pgid: child.pid, startTime: 1, enginePid: 1 }), { mode: 0o600 });
  writeFileSync(join(stateDirPaths(stateDir).pids, 'torn.json'), '{"name": "to', { mode: 0o600 });
  const reports = await endOrphans(stateDir);
  assert.deepEqual(reports.sort((a, b) => a.name.localeCompare(b.name)), [
    { name: 'done', pid: child.pid, outcome: 'gone' },
    { name: 'torn', pid: 0, outcome: 'gone' },
  ]);
  assert.deepEqual(readdirSync(stateDirPaths(stateDir).pids), []);
});

test('a pid record is written whole with mode 0600 and removed on stop', async () => {
  const stateDir = newStateDir();
  const child = spawn('sleep', ['300'], { detached: true, stdio: 'ignore' });
  cleanupGroups(child.pid!);
  await new Promise((r) => child.once('spawn', r));
  writePidRecord(stateDir, 'api', child.pid!, { stop: { signal: 'SIGINT', timeoutMs: 2000 } });
  const file = join(stateDirPaths(stateDir).pids, `api.${child.pid}.json`);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), {
    name: 'api', pid: child.pid, pgid: child.pid, startTime: readProcStat(child.pid!)!.startTime, enginePid: process.pid,
    stop: { signal: 'SIGINT', timeoutMs: 2000 },
  });
  assert.deepEqual(readdirSync(stateDirPaths(stateDir).pids), [`api.${child.pid}.json`], 'no temporary file left');
  removePidRecord(stateDir, 'api', child.pid!);
  assert.equal(existsSync(file), false);
  child.kill('SIGKILL');
});

test('forged pid records are removed, never acted on: another group, no start time, a signal no pitfile allows, a loose mode, a link', async () => {
  const stateDir = newStateDir();
  const pids = stateDirPaths(stateDir).pids;
  // An unrelated process group the records try to reach.
  const victim = spawn('sleep', ['300'], { detached: true, stdio: 'ignore' });
  cleanupGroups(victim.pid!);
  const exited = exitOf(victim);
  const { startTime } = readProcStat(victim.pid!)!;
  const forged: Record<string, object> = {
    'group.json': { name: 'group', pid: process.pid, pgid: victim.pid, startTime: readProcStat(process.pid)!.startTime, enginePid: 1 },
    'notime.json': { name: 'notime', pid: victim.pid, pgid: victim.pid, startTime: 0, enginePid: 1 },
    'signal.json': { name: 'signal', pid: victim.pid, pgid: victim.pid, startTime, enginePid: 1, stop: { signal: 'SIGSEGV', timeoutMs: 10 } },
  };
  for (const [file, rec] of Object.entries(forged)) writeFileSync(join(pids, file), JSON.stringify(rec), { mode: 0o600 });
  const genuine = JSON.stringify({ name: 'loose', pid: victim.pid, pgid: victim.pid, startTime, enginePid: 1 });
  writeFileSync(join(pids, 'loose.json'), genuine, { mode: 0o644 });
  const elsewhere = join(makeProject(), 'record.json');
  writeFileSync(elsewhere, genuine.replace('loose', 'linked'), { mode: 0o600 });
  symlinkSync(elsewhere, join(pids, 'linked.json'));
  const reports = (await endOrphans(stateDir)).sort((a, b) => a.name.localeCompare(b.name));
  assert.deepEqual(
    reports.map((r) => [r.name, r.outcome]),
    [
      ['group', `stale record removed, not acted on: group ${victim.pid} is not led by pid ${process.pid}`],
      ['linked', 'stale record removed, not acted on: not a regular file'],
      ['loose', 'stale record removed, not acted on: mode 644, not 600'],
      ['notime', 'stale record removed, not acted on: no start time'],
      ['signal', 'stale record removed, not acted on: signal SIGSEGV is not one a pitfile allows'],
    ],
  );
  assert.ok(isAlive(victim.pid!), 'the unrelated group was not signalled');
  assert.deepEqual(readdirSync(pids), [], 'every forged record is gone');
  assert.ok(existsSync(elsewhere), 'a link is removed, not what it points at');
  victim.kill('SIGKILL');
  await exited;
});
