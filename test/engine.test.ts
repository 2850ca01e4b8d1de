import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startEngine, nodeCommand } from './helpers/engine.js';
import { freePort } from './helpers/port.js';
import type { PitEvent } from '../core/events/catalog.js';
import type { PitError } from '../core/errors.js';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { fixture } from './helpers/paths.js';
import { Journal } from '../core/journal/journal.js';
import { Engine } from '../core/engine.js';
import { loadPitfile } from '../core/config/load.js';
import { join } from 'node:path';
import { makeProject } from './helpers/project.js';
import { runEngineProcess } from './helpers/engine-process.js';
import { runEngineAsync } from './helpers/cli.js';

const record = (events: PitEvent[]) => (e: PitEvent) => events.push(e);
const indexOf = (events: PitEvent[], name: string, what: (e: PitEvent) => boolean) =>
  events.findIndex((e) => e.subject === name && what(e));

test('depends_on starts a process only after its dependency is healthy, or completed', async () => {
  const port = await freePort();
  const server = `setTimeout(() => require('http').createServer((q, s) => s.end('ok')).listen(${port}, '127.0.0.1'), 300)`;
  const events: PitEvent[] = [];
  const { engine } = await startEngine(
    `version: 1
processes:
  db:
    command: ${nodeCommand(server)}
    health: { http: "http://127.0.0.1:${port}/", interval: 200ms }
  migrate:
    command: ${nodeCommand('setTimeout(() => process.exit(0), 300)')}
    restart: { policy: never }
  api:
    command: ${nodeCommand('setInterval(() => {}, 1000)')}
    depends_on: { db: healthy, migrate: completed }
`,
  );
  engine.bus.on('process:*', record(events));
  await engine.bus.next('process:api:state', { where: (e) => e.type === 'process:state' && e.to === 'running', withinMs: 15_000 });
  const healthy = indexOf(events, 'db', (e) => e.type === 'process:healthy');
  const completed = indexOf(events, 'migrate', (e) => e.type === 'process:state' && e.to === 'exited' && e.exit_code === 0);
  const apiStart = indexOf(events, 'api', (e) => e.type === 'process:state' && e.to === 'starting');
  assert.ok(healthy >= 0 && completed >= 0, 'db healthy and migrate completed were seen');
  assert.ok(apiStart > healthy && apiStart > completed, 'api started after both');
});

test('independent processes start in parallel and stop in reverse dependency order', async () => {
  const events: PitEvent[] = [];
  const idle = nodeCommand('setInterval(() => {}, 1000)');
  const { engine } = await startEngine(
    `version: 1\nprocesses:\n  db: { command: ${idle} }\n  cache: { command: ${idle} }\n  api: { command: ${idle}, depends_on: [db, cache] }\n`,
  );
  engine.bus.on('process:*:state', record(events));
  await engine.bus.next('process:api:state', { where: (e) => e.type === 'process:state' && e.to === 'running' });
  assert.ok(await engine.stop(), 'stopped cleanly');
  const stopped = (n: string) => indexOf(events, n, (e) => e.type === 'process:state' && e.to === 'stopped');
  const stopping = (n: string) => indexOf(events, n, (e) => e.type === 'process:state' && e.to === 'stopping');
  assert.ok(stopping('db') > stopped('api') && stopping('cache') > stopped('api'), 'dependencies stop after their dependents');
});

test('settings.shutdown_timeout bounds the whole stop: a child with a longer stop.timeout is killed at it', async () => {
  const stubborn = nodeCommand("process.on('SIGTERM', () => {}); console.log('ready'); setInterval(() => {}, 1000)");
  const { engine, line } = await startEngine(
    `version: 1\nsettings: { shutdown_timeout: 1s }\nprocesses:\n  stubborn: { command: ${stubborn}, stop: { timeout: 60s } }\n`,
  );
  await line('stubborn', /ready/);
  const started = Date.now();
  const clean = await engine.stop();
  const took = Date.now() - started;
  assert.equal(clean, false, 'a stop that had to kill is not clean');
  assert.equal(engine.supervisors.get('stubborn')!.lastExit?.signal, 'SIGKILL');
  assert.ok(took >= 900 && took < 10_000, `stop took ${took} ms`);
});

// migrate is a one-shot that waits for the file "gate", writes "migrated"
// and exits 0; web says whether "migrated" existed when it started.
const gatedProject = `version: 1
processes:
  db: { command: ${nodeCommand('setInterval(() => {}, 1000)')} }
  migrate:
    command: ${nodeCommand("const fs = require('fs'); console.log('migrate waiting'); const t = setInterval(() => { if (fs.existsSync('gate')) { fs.writeFileSync('migrated', ''); clearInterval(t); } }, 20)")}
    depends_on: [db]
    restart: { policy: never }
  web:
    command: ${nodeCommand("console.log('web saw migrated: ' + require('fs').existsSync('migrated')); setInterval(() => {}, 1000)")}
    depends_on: { migrate: completed }
`;

/** engine run on the gated project, once web has started after migrate, with its output since a mark. */
async function gatedEngine() {
  const dir = makeProject({ 'pitfile.yaml': gatedProject, gate: '' });
  const run = runEngineProcess(dir);
  await run.waitFor(/web saw migrated: true/);
  await run.waitFor(/listening on/);
  let mark = 0;
  return {
    dir,
    run,
    /** Close the gate and forget the marker: migrate's next run waits. */
    closeGate: () => {
      rmSync(join(dir, 'gate'));
      rmSync(join(dir, 'migrated'));
      mark = run.text().length;
    },
    since: () => run.text().slice(mark),
    at: (re: RegExp) => run.text().slice(mark).search(re),
  };
}

/** The verb's start phase: migrate runs and waits at its gate, web must wait; the gate opens, web starts after. */
async function assertWebWaitsForMigrate(g: Awaited<ReturnType<typeof gatedEngine>>, verb: Promise<{ status: number | null; stdout: string; stderr: string }>) {
  await g.run.waitFor(/migrate waiting[\s\S]*migrate waiting/);
  assert.doesNotMatch(g.since(), /web saw migrated/, 'web waits for migrate to complete');
  writeFileSync(join(g.dir, 'gate'), '');
  const r = await verb;
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^web: running \(pid \d+\)$/m);
  await g.run.waitFor(/web saw migrated: true[\s\S]*web saw migrated: \w+/);
  assert.match(g.since(), /web saw migrated: true/);
  assert.doesNotMatch(g.since(), /web saw migrated: false/);
  assert.ok(g.at(/db running/) >= 0 && g.at(/db running/) < g.at(/migrate running/), 'db started before migrate');
}

test('engine restart all stops dependents first, then starts each once its dependencies allow', async () => {
  const g = await gatedEngine();
  g.closeGate();
  await assertWebWaitsForMigrate(g, runEngineAsync(['restart', 'all'], g.dir));
  assert.ok(g.at(/web stopped/) >= 0 && g.at(/web stopped/) < g.at(/db (stopping|restarting)/), `web stopped before db was asked to stop:\n${g.since()}`);
});

test('engine stop all stops dependents first; engine start web migrate db starts them in dependency order', async () => {
  const g = await gatedEngine();
  g.closeGate();
  const stop = await runEngineAsync(['stop', 'all'], g.dir);
  assert.equal(stop.status, 0, stop.stdout + stop.stderr);
  assert.ok(g.at(/web stopped/) >= 0 && g.at(/web stopped/) < g.at(/db (stopping|restarting)/), `web stopped before db was asked to stop:\n${g.since()}`);
  // Named in the wrong order on purpose: the order comes from depends_on.
  await assertWebWaitsForMigrate(g, runEngineAsync(['start', 'web', 'migrate', 'db'], g.dir));
});

test('engine start of a process whose dependency failed leaves it stopped and says why', async () => {
  const { engine } = await startEngine(`version: 1
processes:
  migrate: { command: ${nodeCommand('process.exit(1)')}, restart: { policy: never } }
  web: { command: ${nodeCommand('setInterval(() => {}, 1000)')}, depends_on: { migrate: completed } }
`);
  await engine.bus.next('process:migrate:state', { where: (e) => e.type === 'process:state' && e.to === 'exited' });
  const outcomes = await engine.startProcesses(['web']);
  const e = outcomes.get('web') as PitError;
  assert.equal(e?.code, 'PIT_E_PROCESS_DEPENDENCY');
  assert.match(e.message, /web was not started: it waits for migrate: completed, and migrate exited with code 1/);
  assert.equal(engine.supervisors.get('web')!.state, 'stopped');
  assert.equal(engine.supervisors.get('web')!.pid, null, 'web never ran');
});

test('engine stop of a process still waiting for its dependencies calls off its start', async () => {
  const { engine, dir, events } = await startEngine(gatedProject);
  await engine.bus.next('process:migrate:state', { where: (e) => e.type === 'process:state' && e.to === 'running' });
  assert.equal((await engine.stopProcesses(['web'])).get('web'), null);
  const migrateDone = engine.bus.next('process:migrate:state', { where: (e) => e.type === 'process:state' && e.to === 'exited', withinMs: 10_000 });
  writeFileSync(join(dir, 'gate'), '');
  await migrateDone;
  // A start still waiting would have followed the exit within this turn of the loop (events are delivered at once).
  await new Promise(setImmediate);
  assert.equal(engine.supervisors.get('web')!.state, 'stopped', 'web stays stopped, as the person asked');
  assert.ok(!events.some((e) => e.type === 'process:state' && e.subject === 'web' && e.to === 'starting'), 'web never started');
  // A start asked for now goes ahead: migrate completed.
  assert.equal((await engine.startProcesses(['web'])).get('web'), null);
  assert.ok(['starting', 'running'].includes(engine.supervisors.get('web')!.state), 'web is starting');
});

test("start-up: the journal's writes and the plugins wait until the launches are made, and miss nothing of them; a reaction on a start-up event that calls a plugin's action waits for the plugin", async () => {
  // job exits while the other 80 are still being launched (a few ms each).
  const names = Array.from({ length: 80 }, (_, i) => `p${i}`);
  const { engine, notes } = await startEngine(
    `version: 1
plugins:
  - { use: ${JSON.stringify(fixture('plugins', 'echo.mjs'))} }
processes:
  job: { command: ["sh", "-c", "exit 4"], restart: { policy: never } }
${names.map((n) => `  ${n}: { command: ["sleep", "1000"] }`).join('\n')}
reactions:
  - on: process:job:exit
    do: [{ echo.say: { text: "job exited" } }]
`,
  );
  // The exit comes while the plugins may not have loaded; the action waits for them rather than being unknown.
  const said = await engine.bus.next('echo:action:said', { withinMs: 20_000 });
  assert.ok(said.type === 'custom:event');
  assert.deepEqual(said.data, { text: 'job exited' });
  await engine.ready();
  assert.ok(existsSync(join(engine.pitfile.settings.stateDir, 'echo-setups')), 'the plugin was set up');
  assert.ok(!notes.some((n) => /unknown|could not be loaded|missed/.test(n)), notes.join('\n'));
  await engine.stop();
  // Every process's start-up is in the journal, written after the launches.
  const rows = Journal.read(engine.pitfile.settings.stateDir, { type: 'process:*:state', limit: 1000 })!;
  for (const n of [...names, 'job']) assert.ok(rows.some((r) => r.name === `process:${n}:state` && r.from === 'stopped'), `${n}'s first state change is in the journal`);
});

test('a stop asked for during start-up waits for the launches and boots no plugin worker after it', async () => {
  const dir = makeProject({
    'pitfile.yaml': `version: 1
plugins:
  - { use: ${JSON.stringify(fixture('plugins', 'echo.mjs'))} }
processes:
${Array.from({ length: 20 }, (_, i) => `  p${i}: { command: ["sleep", "1000"] }`).join('\n')}
`,
  });
  const { pitfile } = await loadPitfile({ cwd: dir });
  const engine = new Engine(pitfile);
  const started = engine.start();
  const stopped = engine.stop('a stop during start-up');
  await started;
  assert.equal(await stopped, true);
  await engine.ready();
  assert.ok(!existsSync(join(pitfile.settings.stateDir, 'echo-setups')), 'the plugin was never set up');
  for (const sup of engine.supervisors.values()) assert.equal(sup.pid, null, `${sup.name} is not left running`);
});
