import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeProject } from '../helpers/project.js';
import { runEngineProcess } from '../helpers/engine-process.js';
import { nodeCommand } from '../helpers/engine.js';
import { until } from '../helpers/wait.js';
import { isAlive } from '../helpers/proc.js';

const idle = (msg: string) => nodeCommand(`console.log(${JSON.stringify(msg)}); console.error('warn ' + ${JSON.stringify(msg)}); setInterval(() => {}, 1000)`);


test('engine run prefixes each line with its process, marks stderr, and Ctrl-C exits 0', async () => {
  const dir = makeProject({ 'pitfile.yaml': `version: 1\nprocesses:\n  web: { command: ${idle('hello web')} }\n  worker: { command: ${idle('hello worker')} }\n` });
  const run = runEngineProcess(dir);
  await run.waitFor(/^web\s+\| hello web$/m);
  await run.waitFor(/^worker \| hello worker$/m);
  await run.waitFor(/^worker ! warn hello worker$/m);
  run.child.kill('SIGINT');
  assert.equal(await run.exited, 0);
  assert.match(run.text(), /all processes stopped/);
});

test('SIGTERM stops everything too, and exits 1 when a process had to be killed', async () => {
  const stubborn = nodeCommand("process.on('SIGTERM', () => {}); console.log('ready'); setInterval(() => {}, 1000)");
  const dir = makeProject({ 'pitfile.yaml': `version: 1\nprocesses:\n  s: { command: ${stubborn}, stop: { timeout: 300ms } }\n` });
  const run = runEngineProcess(dir);
  await run.waitFor(/s\s+\| ready/);
  run.child.kill('SIGTERM');
  assert.equal(await run.exited, 1);
  assert.match(run.text(), /had to be killed/);
});

test('a second engine run in the same project refuses with the first one\'s pid', async () => {
  const dir = makeProject({ 'pitfile.yaml': `version: 1\nprocesses:\n  a: { command: ${idle('a up')} }\n` });
  const first = runEngineProcess(dir);
  await first.waitFor(/a\s+\| a up/);
  const second = runEngineProcess(dir);
  assert.equal(await second.exited, 1);
  assert.match(second.text(), new RegExp(`pid ${first.child.pid}`));
  first.child.kill('SIGINT');
  assert.equal(await first.exited, 0);
});

test('the children of a SIGKILLed engine are ended by the next one, which says so', async () => {
  const dir = makeProject({ 'pitfile.yaml': `version: 1\nprocesses:\n  a: { command: ${nodeCommand('console.log("pid " + process.pid); setInterval(() => {}, 1000)')} }\n` });
  const first = runEngineProcess(dir);
  const pid = Number((await first.waitFor(/a\s+\| pid (\d+)/))[1]);
  first.child.kill('SIGKILL');
  await first.exited;
  assert.ok(isAlive(pid), 'the child outlived its SIGKILLed engine');
  const second = runEngineProcess(dir);
  await second.waitFor(new RegExp(`pid ${pid} of a left by a killed engine: ended`));
  await until(() => !isAlive(pid), 5000, `orphan ${pid} to be gone`);
  second.child.kill('SIGINT');
  assert.equal(await second.exited, 0);
});

test('a bad pitfile makes engine run exit 1 with file:line:column', async () => {
  const dir = makeProject({ 'pitfile.yaml': 'version: 1\nprocesses:\n  a: { command: x, autostart: sometimes }\n' });
  const run = runEngineProcess(dir);
  assert.equal(await run.exited, 1);
  assert.match(run.text(), /pitfile\.yaml:3:\d+: processes\.a\.autostart must be true or false/);
});

test('output goes to .pit/logs/<name>.log with a timestamp and stream tag per line', async () => {
  const dir = makeProject({ 'pitfile.yaml': `version: 1\nprocesses:\n  web: { command: ${idle('hello log')} }\n` });
  const run = runEngineProcess(dir);
  await run.waitFor(/web ! warn hello log/);
  run.child.kill('SIGINT');
  await run.exited;
  const log = readFileSync(join(dir, '.pit', 'logs', 'web.log'), 'utf8');
  assert.match(log, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z out \| hello log$/m);
  assert.match(log, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z err \| warn hello log$/m);
});

test('a second Ctrl-C kills at once instead of waiting for stop.timeout', async () => {
  const stubborn = nodeCommand("process.on('SIGINT', () => {}); process.on('SIGTERM', () => {}); console.log('ready'); setInterval(() => {}, 1000)");
  const dir = makeProject({ 'pitfile.yaml': `version: 1\nprocesses:\n  s: { command: ${stubborn}, stop: { timeout: 60s } }\n` });
  const run = runEngineProcess(dir);
  await run.waitFor(/s\s+\| ready/);
  run.child.kill('SIGINT');
  await run.waitFor(/stopping \(press Ctrl-C again/);
  const started = Date.now();
  run.child.kill('SIGINT');
  assert.equal(await run.exited, 1);
  assert.ok(Date.now() - started < 10_000, 'did not wait for the 60s stop timeout');
  assert.match(run.text(), /killing every process now/);
});
