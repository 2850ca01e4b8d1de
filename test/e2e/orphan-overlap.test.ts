import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { makeProject } from '../helpers/project.js';
import { runEngineProcess } from '../helpers/engine-process.js';
import { fixture } from '../helpers/paths.js';
import { isAlive, pidsWithArgv, uniqueMarker } from '../helpers/proc.js';
import { until, within } from '../helpers/wait.js';

const marker = uniqueMarker('overlap');
after(() => {
  for (const pid of pidsWithArgv(marker)) process.kill(pid, 'SIGKILL');
});

test('an engine SIGKILLed while a restart overlaps the last run\'s stop leaves nothing the next engine does not end', async () => {
  // The leader leaves a grandchild that ignores SIGTERM in its group. When
  // the leader dies, the engine stops what is left of that run (30 s of
  // SIGTERM before SIGKILL) while the restart's new run is already up: the
  // window in which the engine is SIGKILLed.
  const grandchild = `node ${fixture('programs', 'ignore-sigterm.mjs')} ${marker}-grandchild`;
  const leader = `node -e "console.log('leader ' + process.pid); setInterval(() => {}, 1 << 30)" ${marker}-leader`;
  const command = JSON.stringify(`${grandchild} & exec ${leader}`);
  const dir = makeProject({
    'pitfile.yaml': `version: 1\nprocesses:\n  ovl: { command: ${command}, restart: { policy: always, delay: 0s }, stop: { timeout: 30s } }\n`,
  });
  const first = runEngineProcess(dir);
  const oldLeader = Number((await first.waitFor(/ovl\s+\| leader (\d+)/))[1]);
  await first.waitFor(/ovl\s+\| ready/);
  process.kill(oldLeader, 'SIGTERM'); // the leader dies; its grandchild ignores the engine's SIGTERM
  const newLeader = Number((await first.waitFor(/ovl running \(pid \d+\)[\s\S]*ovl running \(pid (\d+)\)/))[1]);
  assert.notEqual(newLeader, oldLeader);
  await first.waitFor(/ovl\s+\| ready[\s\S]*ovl\s+\| ready/); // the new run's grandchild is up too
  const left = pidsWithArgv(marker);
  assert.equal(left.length, 3, `the old grandchild, the new leader and its grandchild run: ${left}`);
  assert.equal(readdirSync(join(dir, '.pit', 'pids')).length, 2, 'one record per run while the old one lingers');

  first.child.kill('SIGKILL');
  await first.exited;
  assert.ok(left.every(isAlive), 'a SIGKILLed engine leaves both runs running');

  const second = runEngineProcess(dir);
  await second.waitFor(new RegExp(`pid ${oldLeader} of ovl left by a killed engine: ended`));
  await second.waitFor(new RegExp(`pid ${newLeader} of ovl left by a killed engine: ended`));
  await second.waitFor(/listening on/);
  assert.deepEqual(left.filter(isAlive), [], 'no process of either earlier run is left once the new engine is up');

  // Its own run has a grandchild that ignores SIGTERM: the second SIGTERM kills at once.
  await second.waitFor(/ovl\s+\| ready/);
  second.child.kill('SIGTERM');
  await second.waitFor(/ovl stopping/);
  second.child.kill('SIGTERM');
  await within(second.exited, 15_000, 'the second engine to exit');
  await until(() => pidsWithArgv(marker).length === 0, 5000, 'every process of the project to be gone');
  assert.deepEqual(readdirSync(join(dir, '.pit', 'pids')), [], 'no record outlives its run');
});
