// engine events as a person reads it: what happened, not every sample and
// output line (unless asked), with numbers rounded and empty fields left out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { EventBus } from '../../core/events/bus.js';
import { Journal } from '../../core/journal/journal.js';
import { describeEvent } from '../../core/events/describe.js';
import { asksForChatter, isChatter } from '../../core/events/quiet.js';
import { spawn } from 'node:child_process';
import { makeProject } from '../helpers/project.js';
import { engineArgs, node, runEngine } from '../helpers/cli.js';
import { runEngineProcess } from '../helpers/engine-process.js';
import { nodeCommand } from '../helpers/engine.js';
import { until } from '../helpers/wait.js';

/** A project whose journal holds an exit followed by a hundred CPU/memory samples (kept with settings.journal.stats). */
function projectWithSamples(): string {
  const dir = makeProject({ 'pitfile.yaml': 'version: 1\nprocesses:\n  api: { command: "sleep 100" }\n' });
  mkdirSync(join(dir, '.pit'));
  const bus = new EventBus();
  const j = Journal.open(join(dir, '.pit'), { ageMs: 86_400_000, rows: 100_000, statsEveryMs: 1 });
  j.attach(bus);
  const t = Date.now() - 60_000;
  bus.publish('process:exit', 'api', { process: 'api', pid: 41, exit_code: 1, signal: null, uptime_ms: 5012, caused_by_engine: false }, t);
  for (let i = 1; i <= 100; i++) {
    bus.publish('process:stats', 'api', { process: 'api', cpu_percent: 0.2345, rss_bytes: 35_966_976, processes: 2 }, t + i * 10);
  }
  j.close();
  return dir;
}

test('engine events hides periodic samples by default, even past --limit, and shows them with --all or a pattern that names them', () => {
  const dir = projectWithSamples();
  const quiet = runEngine(['events', '-n', '5'], dir);
  assert.equal(quiet.status, 0, quiet.stderr);
  assert.match(quiet.stdout, / process:api:exit /, 'the exit is found behind 100 newer samples');
  assert.doesNotMatch(quiet.stdout, /:stats/, 'no sample by default');

  const all = runEngine(['events', '-n', '5', '--all'], dir);
  assert.equal(all.stdout.trim().split('\n').length, 5);
  assert.ok(all.stdout.trim().split('\n').every((l) => / process:api:stats /.test(l)), 'the 5 newest, all samples');

  const named = runEngine(['events', '-n', '3', '--type', 'process:*:stats'], dir);
  assert.equal(named.stdout.trim().split('\n').length, 3, 'a pattern that names samples asks for them');
});

test('engine events rounds numbers for people and leaves out empty fields; --json keeps the exact values', () => {
  const dir = projectWithSamples();
  const exit = runEngine(['events', '--type', 'process:*:exit'], dir).stdout.trim();
  assert.match(exit, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} process:api:exit pid=41 exit_code=1 uptime 5\.0 s$/);
  assert.doesNotMatch(exit, /signal|null/);
  const sample = runEngine(['events', '-n', '1', '--type', 'process:api:stats'], dir).stdout.trim();
  assert.match(sample, / process:api:stats cpu 0\.2 % rss 34\.3 MiB processes=2$/);
  const json = JSON.parse(runEngine(['events', '-n', '1', '--type', 'process:api:stats', '--json'], dir).stdout);
  assert.equal(json.cpu_percent, 0.2345);
});

test('engine events shows the code of a failed action and of a plugin error beside their message, as the journal kept them', () => {
  const dir = makeProject({ 'pitfile.yaml': 'version: 1\nprocesses:\n  api: { command: "sleep 100" }\n' });
  mkdirSync(join(dir, '.pit'));
  const bus = new EventBus();
  const j = Journal.open(join(dir, '.pit'), { ageMs: 86_400_000, rows: 100_000, statsEveryMs: 1 });
  j.attach(bus);
  bus.publish('reaction:failed', 'migrate', { reaction: 'migrate', action: 'run', code: 'PIT_E_REACTION_RUN', message: 'command exited with code 3 (log: .pit/logs/reaction-migrate.log)' });
  bus.publish('plugin:error', 'slack', { plugin: 'slack', hook: 'action', code: 'PIT_E_CONFIG_ENV_UNSET', message: 'environment variable SLACK_TOKEN is not set' });
  j.close();
  const r = runEngine(['events', '-n', '5'], dir);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, / reaction:migrate:failed reaction=migrate action=run code=PIT_E_REACTION_RUN message="command exited with code 3 /);
  assert.match(r.stdout, / plugin:slack:error plugin=slack hook=action code=PIT_E_CONFIG_ENV_UNSET message=/);
});

test('output lines and samples are what a default event list leaves out; anything else is shown', () => {
  for (const name of ['process:api:stdout', 'process:api:stderr', 'process:api:stats']) assert.ok(isChatter(name), name);
  for (const name of ['process:api:exit', 'process:api:limit', 'process:api:state', 'file:code:change', 'custom:deploy:stats']) assert.ok(!isChatter(name), name);
  assert.ok(asksForChatter('process:api:stderr') && asksForChatter('process:*:stats'));
  assert.ok(!asksForChatter('*:*') && !asksForChatter('process:api'));
  assert.equal(describeEvent({ name: 'process:api:limit', kind: 'memory', value: 371_195_904, limit: 209_715_200, for_ms: 10_000, action: 'restart' }), 'kind=memory value 354 MiB limit 200 MiB for 10.0 s action=restart');
});

/** `engine events -f ...args` in `dir`, its output collected until stopped. */
function follow(dir: string, args: string[]) {
  const child = spawn(node, [...engineArgs, 'events', '-f', ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  return { text: () => out, stop: () => child.kill('SIGTERM') };
}

test('engine events -f leaves out output lines and samples; with --all it shows them', async (t) => {
  // A limit loads process-monitor, which samples talk every 100 ms.
  const dir = makeProject({ 'pitfile.yaml': `version: 1\nsettings: { monitor_interval: 100ms }\nprocesses:\n  talk: { command: ${nodeCommand("setInterval(() => console.log('tick'), 50)")}, limits: { memory: 1GB } }\n` });
  const engine = runEngineProcess(dir);
  await engine.waitFor(/listening on/);
  const all = follow(dir, ['--all']);
  const quiet = follow(dir, []);
  t.after(() => [all.stop(), quiet.stop()]);
  await until(() => /process:talk:stdout line=tick/.test(all.text()), 15_000, 'a tick line in engine events -f --all');
  await until(() => /process:talk:stats cpu [\d.]+ % rss [\d.]+ MiB/.test(all.text()), 15_000, 'a sample in engine events -f --all');
  // Something that is not a line, seen by both: a restart.
  assert.equal(runEngine(['restart', 'talk'], dir).status, 0);
  await until(() => /process:talk:state .*to=running/.test(quiet.text()), 15_000, `the restart in engine events -f; got:\n${quiet.text()}`);
  await until(() => /process:talk:state .*to=running/.test(all.text()), 15_000, 'the restart in engine events -f --all');
  assert.doesNotMatch(quiet.text(), /:stdout/, 'no output line by default');
  assert.doesNotMatch(quiet.text(), /:stats/, 'no sample by default');
});
