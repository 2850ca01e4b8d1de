// A reload that changes a setting bound at the engine's start says so: on
// the engine's terminal, as an event, and in `engine reload`'s answer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeProject } from '../helpers/project.js';
import { runEngine } from '../helpers/cli.js';
import { runEngineProcess } from '../helpers/engine-process.js';
import { freePort } from '../helpers/port.js';

const idle = `["node", "-e", "setInterval(() => {}, 1000)"]`;
const pitfile = `version: 1\nprocesses:\n  a: { command: ${idle} }\n`;

test('a reload adding settings.dashboard.listen says the engine must restart to apply it, never "no process changed" alone', async () => {
  const dir = makeProject({ 'pitfile.yaml': pitfile });
  const engine = runEngineProcess(dir);
  await engine.waitFor(/listening on/);
  const port = await freePort();
  writeFileSync(join(dir, 'pitfile.yaml'), `${pitfile}settings:\n  dashboard: { listen: "127.0.0.1:${port}" }\n`);
  // Saved: the engine's own watcher reloads it.
  await engine.waitFor(/pit\s+\| settings\.dashboard changed: restart the engine to apply \(engine shutdown, then engine run again\)\n/);
  const events = runEngine(['events', '--type', 'config:restart-needed', '--json'], dir);
  assert.equal(events.status, 0, events.stderr);
  assert.deepEqual(events.stdout.trim().split('\n').map((l) => JSON.parse(l).settings), [['settings.dashboard']]);
  // engine reload says it too, while the pitfile differs from what the engine started with.
  const reload = runEngine(['reload'], dir);
  assert.equal(reload.status, 0, reload.stderr);
  assert.equal(reload.stdout, 'reloaded (no process changed)\nsettings.dashboard changed: restart the engine to apply (engine shutdown, then engine run again)\n');
  // Back as it started, with a setting that applies live: nothing to restart for.
  writeFileSync(join(dir, 'pitfile.yaml'), `${pitfile}settings:\n  shutdown_timeout: 20s\n`);
  const back = runEngine(['reload'], dir);
  assert.equal(back.status, 0, back.stderr);
  assert.equal(back.stdout, 'reloaded (no process changed)\n');
  assert.doesNotMatch(engine.text(), /shutdown_timeout changed/);
});

test('engine run prints the pitfile warnings once at start, a reload prints its own, and a reload that can never work is refused', async () => {
  const watching = (path: string) => `${pitfile}watchers:\n  code: { paths: ["${path}"] }\n`;
  const dir = makeProject({ 'pitfile.yaml': watching('src/**/*.py') });
  const engine = runEngineProcess(dir);
  await engine.waitFor(/listening on/);
  const atStart = engine.text().match(/pitfile\.yaml:5:19: warning: watchers\.code\.paths\[0\] "src\/\*\*\/\*\.py" matches no file yet \[PIT_E_CONFIG_WATCH_MATCHES_NOTHING\]/g) ?? [];
  assert.equal(atStart.length, 1, `said once at start:\n${engine.text()}`);
  writeFileSync(join(dir, 'pitfile.yaml'), watching('lib/**'));
  await engine.waitFor(/warning: watchers\.code\.paths\[0\] "lib\/\*\*" matches no file yet/);
  // A cwd that does not exist: refused, the running config stays.
  writeFileSync(join(dir, 'pitfile.yaml'), `version: 1\nprocesses:\n  a: { command: ${idle}, cwd: gone }\n`);
  const reload = runEngine(['reload'], dir);
  assert.equal(reload.status, 1);
  assert.match(reload.stderr, /pitfile\.yaml:3:\d+: processes\.a\.cwd the working directory gone does not exist \[PIT_E_CONFIG_CWD_MISSING\]/);
});
