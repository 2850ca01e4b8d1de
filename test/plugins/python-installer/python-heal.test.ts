// Self-healing end to end, with real parts: a venv, real pip, an index on
// 127.0.0.1 serving wheels built here, a real engine with the reaction the
// starter pitfile has.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startEngine } from '../../helpers/engine.js';
import { until } from '../../helpers/wait.js';
import { makeProject, scratchDir } from '../../helpers/project.js';
import { runEngineAsync } from '../../helpers/cli.js';
import { runEngineProcess } from '../../helpers/engine-process.js';
import { buildWheel, canImport, makeVenv, serveIndex } from '../../helpers/python.js';
import type { PitEvent } from '../../../core/events/catalog.js';

const heal = `reactions:\n  - on: process:*:import-error\n    do: [{ install: {} }, { restart: $process }]\n`;

const installEvents = (events: PitEvent[], name: string) =>
  events.flatMap((e) => (e.type === 'process:install' && e.process === name ? [e] : []));

test('a Python process dying of ModuleNotFoundError gets the package installed into its own venv, is restarted, and succeeds; a second process failing alike shares the one install', async () => {
  const wheels = scratchDir('pit-wheels-');
  buildWheel(wheels, 'PyYAML', '6.0.9', 'yaml');
  const index = await serveIndex(wheels);
  let python = '';
  const app = '{ command: ".venv/bin/python app.py", restart: { policy: never } }';
  const { engine, dir, line, events } = await startEngine(
    `version: 1\nprocesses:\n  app: ${app}\n  twin: ${app}\ninstaller: { index_url: "${index.url}" }\n${heal}`,
    { 'app.py': 'import yaml\nprint(yaml.hello())\n' },
    (d) => (python = makeVenv(join(d, '.venv'))),
  );
  const installed = await engine.bus.next('process:app:install', { withinMs: 120_000 });
  assert.equal(installed.outcome, 'installed', String(installed.reason));
  assert.equal(installed.distribution, 'PyYAML', 'the import name was mapped');
  assert.equal(installed.environment, join(dir, '.venv'), 'into the venv the process ran in');
  assert.equal(installed.backend, 'pip');
  assert.match(await line('app', /hello from PyYAML/, 30_000), /6\.0\.9/);
  assert.ok(canImport(python, 'yaml'));
  assert.deepEqual(index.asked, ['pyyaml'], 'the index was asked for the distribution only, never the bare import name');
  const seen = events.filter((e) => e.type === 'process:import-error' && e.process === 'app');
  assert.equal(seen.length, 1, 'one import-error event for one failure');
  await line('twin', /hello from PyYAML/, 30_000);
  const both = [...installEvents(events, 'app'), ...installEvents(events, 'twin')];
  assert.deepEqual(both.map((d) => d.outcome), ['installed', 'installed']);
  assert.equal(both.filter((d) => d.started_at !== null).length, 1, 'one pip run for both');
  assert.match(String(both.find((d) => d.started_at === null)!.reason), /^PyYAML was already installed by an earlier heal \(at .*\), after this failure was seen$/);
});

test('engine status shows each process\'s heals and the last one, and the queue of installs waiting for approval', async () => {
  const wheels = scratchDir('pit-wheels-');
  buildWheel(wheels, 'Fake-Yaml', '1.0.0', 'fakeyaml');
  const index = await serveIndex(wheels);
  const project = (mode: string) => {
    const dir = makeProject({
      'app.py': 'import fakeyaml\nprint(fakeyaml.hello())\nimport time\ntime.sleep(300)\n',
      'pitfile.yaml': `version: 1\nprocesses:\n  app: { command: ".venv/bin/python app.py", restart: { policy: never } }\ninstaller: { mode: ${mode}, index_url: "${index.url}", aliases: { fakeyaml: Fake-Yaml } }\n${heal}`,
    });
    makeVenv(join(dir, '.venv'));
    return dir;
  };
  const statusJson = async (dir: string) => JSON.parse((await runEngineAsync(['status', '--json'], dir)).stdout || '{"processes":[]}').processes[0];

  const auto = project('auto');
  const a = runEngineProcess(auto);
  await a.waitFor(/listening on/);
  await until(async () => (await statusJson(auto))?.heals === 1, 60_000, 'a heal in engine status');
  assert.equal((await statusJson(auto)).last_heal.distribution, 'Fake-Yaml');
  assert.match((await runEngineAsync(['status'], auto)).stdout, /^app +running .* 1 \(Fake-Yaml\)/m);

  const ask = project('ask');
  const b = runEngineProcess(ask);
  await b.waitFor(/listening on/);
  let queued = '';
  await until(async () => /waiting for approval/.test((queued = (await runEngineAsync(['status'], ask)).stdout)), 30_000, 'the queue in engine status');
  const id = /engine install --approve ([0-9a-f]{8})/.exec(queued)![1];
  assert.match(queued, /^ {2}Fake-Yaml for app: engine install --approve [0-9a-f]{8}$/m);
  const approved = await runEngineAsync(['install', '--approve', id], ask);
  assert.equal(approved.status, 0, approved.stdout + approved.stderr);
  assert.match(approved.stdout, /installed by the running engine, which restarts the process/);
  await b.waitFor(/app \| hello from Fake-Yaml/, 30_000);
  await until(async () => (await statusJson(ask))?.heals === 1, 15_000, 'the approved install counted as a heal');
  const journal = await runEngineAsync(['events', '--type', 'process:app:install', '--json'], ask);
  assert.deepEqual(journal.stdout.trim().split('\n').map((l) => JSON.parse(l).outcome), ['pending', 'installed'], 'both in the journal');
});

test('a process that still fails to import after a successful install is stopped after max_attempts, saying so', async () => {
  const wheels = scratchDir('pit-wheels-');
  // The distribution installs, but ships another module than the one imported.
  buildWheel(wheels, 'Broken-Pkg', '1.0.0', 'brokenpkg_other');
  const index = await serveIndex(wheels);
  const { engine, events } = await startEngine(
    `version: 1
processes:
  app: { command: ".venv/bin/python app.py", restart: { policy: never } }
installer: { index_url: "${index.url}", aliases: { brokenpkg: Broken-Pkg }, max_attempts: 2 }
${heal}`,
    { 'app.py': 'import brokenpkg\n' },
    (d) => makeVenv(join(d, '.venv')),
  );
  const gaveUp = await engine.bus.next('process:app:install', { withinMs: 180_000, where: (e) => e.outcome === 'gave-up' });
  assert.match(gaveUp.reason, /Broken-Pkg installed \(2 attempts\) but the import of brokenpkg still fails/);
  assert.deepEqual(installEvents(events, 'app').map((d) => d.outcome), ['installed', 'installed', 'gave-up']);
  // The reaction stops at the refusal: its restart does not run, and the process stays down.
  await until(() => events.some((e) => e.type === 'reaction:failed' && e.code === 'PIT_E_INSTALL_GAVE_UP' && /^gave up on app: /.test(e.message)), 15_000, 'the reaction to stop at the refusal');
  // One start, then one restart per install; none after the gave-up, not even a late one.
  const starts = () => events.filter((e) => e.type === 'process:state' && e.process === 'app' && e.to === 'starting');
  assert.equal(starts().length, 3);
  assert.ok(events.indexOf(starts()[2]) < events.indexOf(gaveUp), 'the last start came before the gave-up');
  await assert.rejects(engine.bus.next('process:app:state', { withinMs: 2000, where: (e) => e.to === 'starting' }), /timed out/);
  assert.equal(starts().length, 3);
  assert.notEqual(engine.supervisors.get('app')!.state, 'running');
});

test('a process that fails again and again while its install is slow gets one install and one restart; the failures queued meanwhile restart nothing', async () => {
  const wheels = scratchDir('pit-wheels-');
  buildWheel(wheels, 'Acme-Lib', '1.0.0', 'acmelib');
  // Each download takes 4 s: the process fails several times while pip waits.
  const index = await serveIndex(wheels, { delayMs: 4000 });
  const { engine, events, line } = await startEngine(
    `version: 1
processes:
  app: { command: ".venv/bin/python app.py", restart: { policy: always, delay: 300ms, max_delay: 1s, max_restarts: 100, window: 1m } }
installer: { index_url: "${index.url}", aliases: { acmelib: Acme-Lib } }
${heal}`,
    { 'app.py': 'import acmelib\nprint(acmelib.hello(), flush=True)\nimport time\ntime.sleep(300)\n' },
    (d) => makeVenv(join(d, '.venv')),
  );
  await line('app', /hello from Acme-Lib/, 120_000);
  const importErrors = () => events.filter((e) => e.type === 'process:import-error' && e.process === 'app');
  // Every failure gets its answer (one install event each) before anything is judged.
  await until(() => installEvents(events, 'app').length >= importErrors().length, 60_000, 'an install event for every import error');
  const installs = installEvents(events, 'app');
  assert.ok(importErrors().length >= 3, `the process failed ${importErrors().length} times during the install`);
  assert.equal(installs.filter((d) => d.started_at !== null).length, 1, 'one pip run');
  assert.equal(installs[0].outcome, 'installed');
  const later = installs.slice(1);
  const staleReason = /^Acme-Lib was already installed by an earlier heal, and app was restarted once after it; this failure came before that restart, so app is not restarted again$/;
  assert.ok(later.filter((d) => staleReason.test(String(d.reason))).length >= 2, 'the failures queued during the install are answered as stale');
  for (const d of later) {
    // A failure whose exit landed just after the heal finds the module there: also no restart.
    assert.equal(d.outcome, 'skipped', String(d.reason));
    assert.match(String(d.reason), new RegExp(`${staleReason.source}|^acmelib is importable in this environment already`));
  }
  // The healed app is never killed for a stale failure: at most the one restart the heal asked for.
  const healedAt = events.find((e) => e.type === 'process:install' && e.process === 'app')!.at;
  const killed = events.filter((e) => e.type === 'process:exit' && e.at >= healedAt && e.signal !== null);
  assert.ok(killed.length <= 1, `the running app was killed ${killed.length} times after the heal`);
  assert.equal(engine.supervisors.get('app')!.state, 'running');
});
