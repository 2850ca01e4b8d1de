import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runEngine } from '../helpers/cli.js';
import { makeProject } from '../helpers/project.js';
import { runEngineProcess } from '../helpers/engine-process.js';
import { freePort } from '../helpers/port.js';

test('init in an empty folder writes a starter pitfile and the worker.py it runs, which validate with no warning', () => {
  const dir = makeProject({});
  const r = runEngine(['init'], dir);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^wrote .*pitfile\.yaml and .*worker\.py; next: engine validate, then engine run$/m);
  const pitfile = readFileSync(join(dir, 'pitfile.yaml'), 'utf8');
  assert.match(pitfile, /^# yaml-language-server: \$schema=/);
  assert.match(pitfile, /command: \["python3", "-u", "worker\.py"\]/);
  assert.match(readFileSync(join(dir, 'worker.py'), 'utf8'), /print\("tick"\)/);
  const v = runEngine(['validate'], dir);
  assert.equal(v.status, 0, v.stderr);
  assert.doesNotMatch(v.stdout + v.stderr, /warning/, 'the code watcher has a file to watch');
});

test("init in a folder with Python writes no worker.py: the worker runs inline and the watcher finds the project's files", () => {
  const dir = makeProject({ 'src/app.py': 'print("mine")\n' });
  const r = runEngine(['init'], dir);
  assert.equal(r.status, 0, r.stderr);
  assert.doesNotMatch(r.stdout, /worker\.py/);
  assert.ok(!existsSync(join(dir, 'worker.py')));
  assert.match(readFileSync(join(dir, 'pitfile.yaml'), 'utf8'), /command: \["python3", "-u", "-c", /);
  const v = runEngine(['validate'], dir);
  assert.equal(v.status, 0, v.stderr);
  assert.doesNotMatch(v.stdout + v.stderr, /warning/);
});

test("init beside another tool's config says how to import it, runs none of it, and writes no worker.py; a tox.ini is not supervisord's", () => {
  const dir = makeProject({ Procfile: 'web: node server.js\n', 'ecosystem.config.js': 'require("fs").writeFileSync("ran", "")\nmodule.exports = { apps: [] }\n', 'tox.ini': '[tox]\n' });
  const r = runEngine(['init'], dir);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^found ecosystem\.config\.js here \(PM2\): engine import ecosystem\.config\.js --force replaces the starter with its processes$/m);
  assert.match(r.stdout, /^found Procfile here \(Foreman, Heroku\): engine import Procfile --force/m);
  assert.doesNotMatch(r.stdout, /tox\.ini/);
  assert.ok(!existsSync(join(dir, 'ran')), 'the ecosystem file was not run');
  assert.ok(!existsSync(join(dir, 'worker.py')));
  const imported = runEngine(['import', 'Procfile', '--force'], dir);
  assert.equal(imported.status, 0, imported.stderr);
  assert.match(readFileSync(join(dir, 'pitfile.yaml'), 'utf8'), /node server\.js/);
});

test('init in a Node project writes a starter that runs its npm start and restarts it on a saved .js file, as nodemon would', { timeout: 120_000 }, async () => {
  const server = "require('http').createServer((q, r) => r.end('v1')).listen(Number(process.env.PORT), () => console.log('listening v1'));\n";
  const dir = makeProject({ 'package.json': JSON.stringify({ name: 'demo', scripts: { start: 'node server.js' } }), 'server.js': server });
  const r = runEngine(['init'], dir);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(!existsSync(join(dir, 'worker.py')), 'nothing Python in a Node project');
  const pitfile = readFileSync(join(dir, 'pitfile.yaml'), 'utf8');
  assert.match(pitfile, /^ {2}app:\n {4}command: npm start$/m);
  assert.doesNotMatch(pitfile, /python/);
  const v = runEngine(['validate'], dir);
  assert.equal(v.status, 0, v.stderr);
  assert.doesNotMatch(v.stdout + v.stderr, /warning/);
  const engine = runEngineProcess(dir, [], { env: { PORT: String(await freePort()) } });
  await engine.waitFor(/app +\| listening v1/, 30_000);
  writeFileSync(join(dir, 'server.js'), server.replaceAll('v1', 'v2'));
  await engine.waitFor(/app +\| listening v2/, 30_000);
  assert.match(engine.text(), /app restarting: server\.js changed \(reaction #1 on file:code:change\)/);
  engine.child.kill('SIGTERM');
  assert.equal(await engine.exited, 0, engine.text());
});

test("init with a package.json that says nothing about starting keeps the Python starter", () => {
  const dir = makeProject({ 'package.json': JSON.stringify({ name: 'lib', main: 'missing.js' }) });
  assert.equal(runEngine(['init'], dir).status, 0);
  assert.match(readFileSync(join(dir, 'pitfile.yaml'), 'utf8'), /worker\.py/);
});

test("the starter runs as written: web healthy, the worker ticks, and saving worker.py restarts the worker with the new code", { timeout: 120_000 }, async () => {
  const dir = makeProject({});
  assert.equal(runEngine(['init'], dir).status, 0);
  const engine = runEngineProcess(dir, [], { env: { PORT: String(await freePort()) } });
  await engine.waitFor(/web healthy/, 30_000);
  await engine.waitFor(/worker +\| tick/, 30_000);
  writeFileSync(join(dir, 'worker.py'), readFileSync(join(dir, 'worker.py'), 'utf8').replace('print("tick")', 'print("tock")'));
  await engine.waitFor(/worker +\| tock/, 30_000);
  assert.match(engine.text(), /worker restarting: worker\.py changed \(reaction #1 on file:code:change\)/, 'the restart names the saved file');
  engine.child.kill('SIGTERM');
  assert.equal(await engine.exited, 0, engine.text());
});

test('init refuses to overwrite an existing pitfile', () => {
  const dir = makeProject({ 'pitfile.yaml': 'version: 1 # mine\n' });
  const r = runEngine(['init'], dir);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /already exists; not overwriting it \[PIT_E_INIT_EXISTS\]/);
  assert.equal(readFileSync(join(dir, 'pitfile.yaml'), 'utf8'), 'version: 1 # mine\n');
});
