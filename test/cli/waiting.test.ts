// The waiting state against a real `engine run`: a process held back by
// depends_on is "waiting for db: healthy" in engine run's output, engine
// status, engine health and /metrics, never "stopped" or "unhealthy"; a
// process that has not been probed has no health verdict; an exited one
// shows how it ended.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from '../helpers/http.js';
import { join } from 'node:path';
import parsePrometheus from 'parse-prometheus-text-format';
import { makeProject } from '../helpers/project.js';
import { runEngine } from '../helpers/cli.js';
import { runEngineProcess } from '../helpers/engine-process.js';
import type { ProcessView } from '../../core/control/process-view.js';

const idle = `["node", "-e", "setInterval(() => {}, 1000)"]`;

test('a process held back by depends_on is waiting, with what for, in run output, status, health and metrics', async () => {
  const dir = makeProject({
    'pitfile.yaml': `version: 1
processes:
  db:
    command: ${idle}
    health: { exec: "exit 1", interval: 100ms, failures: 1000 }
  api:
    command: ${idle}
    depends_on: { db: healthy }
    health: { exec: "exit 0", interval: 100ms }
  once:
    command: ["node", "-e", "process.exit(2)"]
    restart: { policy: never }
`,
  });
  const engine = runEngineProcess(dir);
  await engine.waitFor(/listening on/);
  await engine.waitFor(/once exited: exited with code 2/);
  assert.match(engine.text(), /api waiting for db: healthy/);
  assert.doesNotMatch(engine.text(), /api (stopped|unhealthy)/);

  const json = runEngine(['status', '--json'], dir);
  assert.equal(json.status, 0, json.stderr);
  const byName = new Map((JSON.parse(json.stdout).processes as ProcessView[]).map((p) => [p.name, p]));
  assert.equal(byName.get('api')!.state, 'waiting');
  assert.equal(byName.get('api')!.waiting_for, 'db: healthy');
  assert.equal(byName.get('api')!.healthy, null, 'never probed: no verdict');
  assert.equal(byName.get('db')!.healthy, null, 'probed, not yet failing long enough for a verdict');
  assert.equal(byName.get('once')!.waiting_for, null);

  const table = runEngine(['status'], dir);
  assert.equal(table.status, 0, table.stderr);
  const row = (name: string) => table.stdout.split('\n').find((l) => l.startsWith(`${name} `))!;
  assert.match(row('api'), /^api\s+waiting for db: healthy\s+-\s+-\s+0\s+-\s+-\s+0\s+-$/);
  assert.match(row('once'), /^once\s+exited \(2\)\s/);
  assert.doesNotMatch(table.stdout, /unhealthy|stopped/);

  const health = runEngine(['health'], dir);
  assert.match(health.stdout, /1 waiting \(api for db: healthy\)/);
  assert.doesNotMatch(health.stdout, /api (unhealthy|stopped)/);

  const text = (await request('http://pit/metrics', { socketPath: join(dir, '.pit', 'engine.sock') })).body;
  const families = parsePrometheus(text) as { name: string; metrics: { labels?: Record<string, string>; value?: string }[] }[];
  const state = (process: string, s: string) => families.find((f) => f.name === 'pit_process_state')?.metrics.find((m) => m.labels?.process === process && m.labels?.state === s)?.value;
  assert.equal(state('api', 'waiting'), '1');
  assert.equal(state('api', 'stopped'), '0');
  assert.equal(state('db', 'waiting'), '0');
});
