// engine scale, engine status with replicas, and engine restart --rolling,
// typed against a real running engine (CLI → control API → engine).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeProject } from '../helpers/project.js';
import { runEngine } from '../helpers/cli.js';
import { runEngineProcess } from '../helpers/engine-process.js';

const idle = `["node", "-e", "console.log('replica ' + process.env.PIT_REPLICA + '/' + process.env.PIT_REPLICAS); setInterval(() => {}, 1000)"]`;

test('engine scale changes the count, status groups the replicas and says the pitfile differs, stop/logs/restart --rolling take the group or one replica', async () => {
  const dir = makeProject({ 'pitfile.yaml': `version: 1\nprocesses:\n  api: { command: ${idle}, replicas: 2 }\n  web: { command: ${idle.replace('replica', 'web')} }\n` });
  const engine = runEngineProcess(dir);
  await engine.waitFor(/listening on/);
  await engine.waitFor(/api\.2\s+\| replica 2\/2/);
  const cli = (...args: string[]) => runEngine(args, dir);

  const up = cli('scale', 'api', '3');
  assert.equal(up.status, 0, up.stderr);
  assert.equal(up.stdout, 'api: 3 replicas (the pitfile says 2): +api.3\n');
  await engine.waitFor(/api\.3\s+\| replica 3\/3/);

  const rows = cli('status').stdout.trimEnd().split('\n').slice(1).map((r) => r.trim().replace(/\s+/g, ' ').split(' ').slice(0, 2).join(' '));
  assert.deepEqual(rows, ['api 3/3', 'api.1 running', 'api.2 running', 'api.3 running', 'web running'], 'the group, its replicas under it, then the rest');
  assert.match(cli('status').stdout, /^api\s+3\/3 running \(scaled; pitfile: 2\)$/m);
  assert.deepEqual(JSON.parse(cli('status', '--json', 'api').stdout).processes.map((p: { name: string; replica: unknown }) => [p.name, p.replica]), [
    ['api.1', { group: 'api', index: 1, count: 3, pitfile: 2 }],
    ['api.2', { group: 'api', index: 2, count: 3, pitfile: 2 }],
    ['api.3', { group: 'api', index: 3, count: 3, pitfile: 2 }],
  ]);

  const logs = cli('logs', 'api', '-n', '10');
  assert.deepEqual(logs.stdout.match(/^api\.\d+/gm)?.sort(), ['api.1', 'api.2', 'api.3'], 'logs api reads every replica');

  const rolled = cli('restart', 'api', '--rolling');
  assert.equal(rolled.status, 0, rolled.stderr);
  assert.match(rolled.stdout, /^api\.1: running \(pid \d+\)\napi\.2: running \(pid \d+\)\napi\.3: running \(pid \d+\)\n$/);

  const one = cli('stop', 'api.2');
  assert.equal(one.stdout, 'api.2: stopped\n');
  assert.match(cli('status').stdout, /^api\s+2\/3 running/m);
  const all = cli('stop', 'api');
  assert.equal(all.stdout, 'api.1: stopped\napi.2: stopped\napi.3: stopped\n');

  const bad = cli('scale', 'web', '2');
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /web is not a process with replicas \[PIT_E_PROCESS_SCALE\][\s\S]*give it replicas: 1/);
  assert.equal(cli('scale', 'api', 'many').status, 2);
});
