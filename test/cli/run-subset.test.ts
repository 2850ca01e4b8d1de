// engine run with a subset, against real engines and children: named
// processes start with what they depend on, --except leaves some out,
// profiles gate processes as in Compose, and each process left out is "not
// started" with why until engine start brings it, with what it needs.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeProject } from '../helpers/project.js';
import { runEngine } from '../helpers/cli.js';
import { runEngineProcess } from '../helpers/engine-process.js';
import { isAlive } from '../helpers/proc.js';
import { until } from '../helpers/wait.js';
import type { ProcessView } from '../../core/control/process-view.js';

const idle = `["node", "-e", "setInterval(() => {}, 1000)"]`;

// web → api → db → cache; worker and the rest stand alone.
const pitfile = `version: 1
processes:
  cache: { command: ${idle} }
  db: { command: ${idle}, depends_on: [cache] }
  api: { command: ${idle}, depends_on: { db: started } }
  web: { command: ${idle}, depends_on: [api] }
  worker: { command: ${idle} }
  admin: { command: ${idle}, profiles: [dev] }
  debugger: { command: ${idle}, profiles: [debug], depends_on: [tools] }
  tools: { command: ${idle}, profiles: [debug] }
  job: { command: ${idle}, autostart: false, depends_on: [helper] }
  helper: { command: ${idle}, profiles: [dev] }
`;

function status(dir: string): Map<string, ProcessView> {
  const r = runEngine(['status', '--json'], dir);
  assert.equal(r.status, 0, r.stderr);
  return new Map((JSON.parse(r.stdout).processes as ProcessView[]).map((p) => [p.name, p]));
}

/** The names in each state: what runs and what never started, at one look. */
function summary(dir: string): { running: string[]; notStarted: Record<string, string> } {
  const all = [...status(dir).values()];
  return {
    running: all.filter((p) => p.state === 'running').map((p) => p.name).sort(),
    notStarted: Object.fromEntries(all.filter((p) => p.state === 'stopped').map((p) => [p.name, p.not_started ?? '(no reason)'])),
  };
}

async function runningNames(dir: string, names: string[]): Promise<void> {
  await until(() => names.every((n) => status(dir).get(n)?.state === 'running'), 15_000, `${names.join(', ')} running`);
}

test('engine run api starts api and what it depends on, transitively; nothing else runs, and each other process is not started with why', async () => {
  const dir = makeProject({ 'pitfile.yaml': pitfile });
  const engine = runEngineProcess(dir, ['api']);
  await engine.waitFor(/listening on/);
  await runningNames(dir, ['api', 'db', 'cache']);
  const why = 'not selected: engine run api';
  assert.deepEqual(summary(dir), {
    running: ['api', 'cache', 'db'],
    notStarted: { web: why, worker: why, admin: why, debugger: why, tools: why, job: why, helper: why },
  });
  assert.match(engine.text(), /not started \(not selected: engine run api\): web, worker, admin, debugger, tools, job, helper\n/);
  const table = runEngine(['status'], dir).stdout;
  assert.match(table, /^web\s+not started \(not selected: engine run api\)\s+-/m);
  // A hot reload keeps the subset: a process it adds is not started either.
  writeFileSync(join(dir, 'pitfile.yaml'), `${pitfile}  extra: { command: ${idle} }\n`);
  const reload = runEngine(['reload'], dir);
  assert.equal(reload.status, 0, reload.stderr);
  await engine.waitFor(/pitfile reloaded: \+extra/);
  const after = summary(dir);
  assert.deepEqual(after.running, ['api', 'cache', 'db']);
  assert.equal(after.notStarted.extra, why);
  assert.equal(after.notStarted.web, why);
});

test('engine start of a process outside the subset starts it with the dependencies that never started, and nothing else', async () => {
  const dir = makeProject({ 'pitfile.yaml': pitfile });
  const engine = runEngineProcess(dir, ['db']);
  await engine.waitFor(/listening on/);
  await runningNames(dir, ['db', 'cache']);
  assert.equal(status(dir).get('api')!.not_started, 'not selected: engine run db');
  const r = runEngine(['start', 'web'], dir);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^web: running \(pid \d+\)$/m);
  assert.match(r.stdout, /^api: running \(pid \d+\)$/m, 'api, which web needs, started with it and is reported');
  const s = summary(dir);
  assert.deepEqual(s.running, ['api', 'cache', 'db', 'web']);
  assert.deepEqual(Object.keys(s.notStarted).sort(), ['admin', 'debugger', 'helper', 'job', 'tools', 'worker']);
  // Each was started once: cache and db kept their pids.
  const pids = runEngine(['events', '--type', 'process:*:state', '--json'], dir).stdout.trim().split('\n').map((l) => JSON.parse(l)).filter((e) => e.to === 'running');
  assert.deepEqual(pids.map((e) => e.process).sort(), ['api', 'cache', 'db', 'web']);
  // Each start says why: web as asked, api for web's sake.
  const reasonOf = (name: string) => pids.find((e) => e.process === name)?.reason;
  assert.equal(reasonOf('web'), 'engine start (CLI)');
  assert.equal(reasonOf('api'), 'needed by web (engine start (CLI))');
});

test('engine run --except web starts every other process (autostart, no inactive profile), and web is not started', async () => {
  const dir = makeProject({ 'pitfile.yaml': pitfile });
  const engine = runEngineProcess(dir, ['--except', 'web']);
  await engine.waitFor(/listening on/);
  await runningNames(dir, ['api', 'db', 'cache', 'worker']);
  assert.deepEqual(summary(dir), {
    running: ['api', 'cache', 'db', 'worker'],
    notStarted: {
      web: 'not selected: engine run --except web',
      admin: 'profile dev not active',
      debugger: 'profile debug not active',
      tools: 'profile debug not active',
      job: 'autostart: false',
      helper: 'profile dev not active',
    },
  });
});

test('engine run --except of a process another one needs is refused with the code and a fix, and nothing starts', () => {
  const dir = makeProject({ 'pitfile.yaml': pitfile });
  const r = runEngine(['run', '--except', 'db'], dir);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^api depends on db, which --except db leaves out \[PIT_E_RUN_EXCLUDED_DEPENDENCY\]\n {2}fix: leave api out too \(--except db,api\), or drop db from --except\n$/);
  assert.equal(existsSync(join(dir, '.pit', 'logs')), false, 'no process was started');
  const daemon = runEngine(['run', '--daemon', '--except', 'db'], dir);
  assert.equal(daemon.status, 1);
  assert.match(daemon.stderr, /\[PIT_E_RUN_EXCLUDED_DEPENDENCY\]/, 'said in this terminal, not in a daemon log');
  assert.equal(runEngine(['status'], dir).status, 3, 'no engine was started');
});

test('engine run --profile debug adds the processes of that profile; those without profiles always run; other profiles stay off', async () => {
  const dir = makeProject({ 'pitfile.yaml': pitfile });
  const engine = runEngineProcess(dir, ['--profile', 'debug']);
  await engine.waitFor(/listening on/);
  await runningNames(dir, ['debugger', 'tools', 'web', 'worker']);
  assert.deepEqual(summary(dir), {
    running: ['api', 'cache', 'db', 'debugger', 'tools', 'web', 'worker'],
    notStarted: { admin: 'profile dev not active', job: 'autostart: false', helper: 'profile dev not active' },
  });
});

test('a named process runs though its profile is not active, and brings its dependencies of the same profile', async () => {
  const dir = makeProject({ 'pitfile.yaml': pitfile });
  const engine = runEngineProcess(dir, ['debugger']);
  await engine.waitFor(/listening on/);
  await runningNames(dir, ['debugger', 'tools']);
  assert.deepEqual(summary(dir).running, ['debugger', 'tools']);
});

test('autostart: false is not started, says so, and engine start brings it with its dependency left off by its profile', async () => {
  const dir = makeProject({ 'pitfile.yaml': pitfile });
  const engine = runEngineProcess(dir);
  await engine.waitFor(/listening on/);
  await runningNames(dir, ['web', 'worker']);
  assert.equal(status(dir).get('job')!.not_started, 'autostart: false');
  assert.match(runEngine(['status'], dir).stdout, /^job\s+not started \(autostart: false\)/m);
  const r = runEngine(['start', 'job'], dir);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^helper: running/m);
  const s = summary(dir);
  assert.deepEqual(s.running, ['api', 'cache', 'db', 'helper', 'job', 'web', 'worker']);
  assert.deepEqual(s.notStarted, { admin: 'profile dev not active', debugger: 'profile debug not active', tools: 'profile debug not active' });
  // Once started and stopped by a person, it is plainly stopped: no launch-time reason any more.
  assert.equal(runEngine(['stop', 'job'], dir).status, 0);
  assert.equal(status(dir).get('job')!.not_started, null);
});

test('the daemon gets the names and flags; its reload keeps --except and leaves a process of an inactive profile alone', async () => {
  const dir = makeProject({ 'pitfile.yaml': pitfile });
  const r = runEngine(['run', '--daemon', '--except', 'web,worker', '--profile', 'dev'], dir);
  assert.equal(r.status, 0, r.stderr);
  const pid = Number(readFileSync(join(dir, '.pit', 'engine.pid'), 'utf8'));
  after(() => isAlive(pid) && process.kill(pid, 'SIGKILL'));
  await runningNames(dir, ['admin', 'api']);
  const why = 'not selected: engine run --except web,worker --profile dev';
  assert.deepEqual(summary(dir).notStarted, { web: why, worker: why, debugger: 'profile debug not active', tools: 'profile debug not active', job: 'autostart: false' });
  writeFileSync(join(dir, 'pitfile.yaml'), `${pitfile}  extra: { command: ${idle} }\n  probe: { command: ${idle}, profiles: [debug] }\n`);
  assert.equal(runEngine(['reload'], dir).status, 0);
  await runningNames(dir, ['extra']);
  const s = summary(dir);
  assert.equal(s.notStarted.probe, 'profile debug not active');
  assert.equal(s.notStarted.web, why);
  assert.ok(!s.running.includes('probe') && !s.running.includes('web') && !s.running.includes('worker'));
  assert.equal(runEngine(['shutdown'], dir).status, 0);
});

test('engine run --daemon api passes the names on: the engine in the background starts the same subset', async () => {
  const dir = makeProject({ 'pitfile.yaml': pitfile });
  const r = runEngine(['run', '--daemon', 'api'], dir);
  assert.equal(r.status, 0, r.stderr);
  const pid = Number(readFileSync(join(dir, '.pit', 'engine.pid'), 'utf8'));
  after(() => isAlive(pid) && process.kill(pid, 'SIGKILL'));
  await runningNames(dir, ['api', 'db', 'cache']);
  const s = summary(dir);
  assert.deepEqual(s.running, ['api', 'cache', 'db']);
  assert.equal(s.notStarted.worker, 'not selected: engine run api');
  assert.equal(runEngine(['shutdown'], dir).status, 0);
});

test('a reload that makes a started process depend on one --except leaves out is refused, and the running processes stay as they were', async () => {
  const dir = makeProject({ 'pitfile.yaml': pitfile });
  const engine = runEngineProcess(dir, ['--except', 'web']);
  await engine.waitFor(/listening on/);
  await runningNames(dir, ['worker']);
  const pid = status(dir).get('worker')!.pid;
  writeFileSync(join(dir, 'pitfile.yaml'), pitfile.replace('worker: { command: ' + idle + ' }', `worker: { command: ${idle}, depends_on: [web] }`));
  const r = runEngine(['reload'], dir);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr + r.stdout, /worker depends on web, which --except web leaves out \[PIT_E_RUN_EXCLUDED_DEPENDENCY\]/);
  await engine.waitFor(/pitfile not reloaded, keeping the running config:\n.*worker depends on web, which --except web leaves out \[PIT_E_RUN_EXCLUDED_DEPENDENCY\]/);
  const s = status(dir);
  assert.equal(s.get('worker')!.pid, pid, 'worker was not restarted');
  assert.equal(s.get('web')!.state, 'stopped');
  assert.equal(s.get('web')!.not_started, 'not selected: engine run --except web');
});
