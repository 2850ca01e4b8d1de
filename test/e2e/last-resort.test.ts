// An engine that dies of a fault it cannot survive takes its processes with
// it: none runs on unsupervised.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeProject } from '../helpers/project.js';
import { runEngineProcess } from '../helpers/engine-process.js';
import { fixture } from '../helpers/paths.js';
import { pidsWithArgv, uniqueMarker } from '../helpers/proc.js';
import { until } from '../helpers/wait.js';

test('an uncaught exception in the engine kills every process group before it exits', async () => {
  const marker = uniqueMarker('last-resort');
  const idle = (name: string) => `["node", "-e", "setInterval(() => {}, 1000)", "${marker}-${name}"]`;
  // A shell whose own child (the grandchild) carries the marker too.
  const grandchild = `["sh", "-c", "node -e 'setInterval(() => {}, 1000)' ${marker}-grandchild & wait", "${marker}-sh"]`;
  const dir = makeProject({ 'pitfile.yaml': `version: 1\nprocesses:\n  a: { command: ${idle('a')} }\n  b: { command: ${grandchild} }\n` });
  const gate = join(dir, 'throw-now');
  const engine = runEngineProcess(dir, [], { env: { NODE_OPTIONS: `--import=${fixture('programs', 'throw-in-engine.mjs')}`, PIT_TEST_THROW_WHEN: gate } });
  await engine.waitFor(/a running/);
  await engine.waitFor(/b running/);
  await until(() => pidsWithArgv(marker).length >= 3, 10_000, 'both processes and the grandchild');
  writeFileSync(gate, '');
  assert.equal(await engine.exited, 1);
  assert.match(engine.text(), /internal error \(please report\); every process is killed and the engine exits: Error: a fault the engine cannot survive/);
  await until(() => pidsWithArgv(marker).length === 0, 5000, 'no process of the project left');
});
