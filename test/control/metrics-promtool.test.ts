// /metrics as Prometheus itself judges it: a live engine's scrape passes
// `promtool check metrics` (its parser and its linter: HELP and TYPE on
// every metric, _total on counters and only there, base units), and the
// names docs/metrics.md lists are the ones served.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { makeProject } from '../helpers/project.js';
import { runEngineProcess } from '../helpers/engine-process.js';
import { request } from '../helpers/http.js';
import { until } from '../helpers/wait.js';
import { needs } from '../helpers/tools.js';

const scrape = async (dir: string) => (await request('http://pit/metrics', { socketPath: join(dir, '.pit', 'engine.sock') })).body;

test('a live engine\'s /metrics passes promtool check metrics, with HELP and TYPE on every metric and conventional names', { skip: needs('promtool') }, async () => {
  const dir = makeProject({
    'pitfile.yaml': `version: 1
processes:
  idle: { command: ["node", "-e", "setInterval(() => {}, 1000)"] }
  crash: { command: ["node", "-e", "process.exit(3)"], restart: { policy: on-failure, delay: 100ms, max_restarts: 1 } }
`,
  });
  const engine = runEngineProcess(dir);
  await engine.waitFor(/listening on/);
  // A restart counted, so the counters hold a value other than 0.
  let text = '';
  await until(async () => /^pit_process_restarts_total\{process="crash"\} [1-9]/m.test((text = await scrape(dir))), 15_000, 'crash restarted once');
  const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  assert.equal(check.stdout + check.stderr, '', 'promtool finds nothing to say');
  assert.equal(check.status, 0);
  const typed = new Map([...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1], m[2]]));
  const helped = new Set([...text.matchAll(/^# HELP (\S+) \S/gm)].map((m) => m[1]));
  for (const name of typed.keys()) assert.ok(helped.has(name), `${name} has HELP`);
  for (const [name, type] of typed) assert.equal(name.endsWith('_total'), type === 'counter', `${name} (${type}): _total on counters and only there`);
  assert.equal(typed.get('pit_process_restarts_total'), 'counter');
  assert.equal(typed.get('pit_process_heals_total'), 'counter');
  assert.equal(typed.get('pit_process_cpu_ratio'), 'gauge');
  assert.equal(typed.get('pit_process_memory_bytes'), 'gauge');
  assert.equal(typed.get('pit_events_total'), 'counter');
  for (const old of ['pit_process_restarts', 'pit_process_heals', 'pit_process_cpu_percent']) assert.ok(!typed.has(old), `${old} is renamed (docs/metrics.md)`);
  assert.match(text, /^pit_process_cpu_ratio\{process="idle"\} \d/m);
});
