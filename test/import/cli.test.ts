// engine import as a person runs it: where it writes, what it refuses, and
// how it knows the format of a file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runEngine } from '../helpers/cli.js';
import { makeProject } from '../helpers/project.js';
import { detectFormat } from '../../core/import/detect.js';

const procfile = 'web: python -m http.server $PORT\nworker: python worker.py\n';

test('--dry-run prints the pitfile and writes nothing', () => {
  const dir = makeProject({ Procfile: procfile });
  const r = runEngine(['import', 'Procfile', '--dry-run'], dir);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^version: 1$/m);
  assert.match(r.stdout, /command: python -m http.server \$PORT/);
  assert.deepEqual(readdirSync(dir).sort(), ['Procfile'], 'no file was written');
  assert.match(r.stderr, /would write pitfile\.yaml: 2 process\(es\) from procfile/);
});

test('import writes pitfile.yaml, which engine validate accepts', () => {
  const dir = makeProject({ Procfile: procfile });
  const r = runEngine(['import', 'Procfile'], dir);
  assert.equal(r.status, 0, r.stderr);
  assert.match(readFileSync(join(dir, 'pitfile.yaml'), 'utf8'), /^ {2}worker:$/m);
  const v = runEngine(['validate'], dir);
  assert.equal(v.status, 0, v.stdout + v.stderr);
});

test('an existing pitfile is not overwritten without --force', () => {
  const dir = makeProject({ Procfile: procfile, 'pitfile.yaml': 'version: 1\n# mine\n' });
  const r = runEngine(['import', 'Procfile'], dir);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /PIT_E_IMPORT_EXISTS/);
  assert.equal(readFileSync(join(dir, 'pitfile.yaml'), 'utf8'), 'version: 1\n# mine\n', 'the file is untouched');
  const forced = runEngine(['import', 'Procfile', '--force'], dir);
  assert.equal(forced.status, 0, forced.stderr);
  assert.match(readFileSync(join(dir, 'pitfile.yaml'), 'utf8'), /^ {2}web:$/m);
});

test('--out writes elsewhere and rewrites relative paths from there', () => {
  const dir = makeProject({ 'deploy/supervisord.conf': '[program:api]\ncommand=python app.py\ndirectory=../services/api\n' });
  const r = runEngine(['import', 'deploy/supervisord.conf', '--out', 'pitfile.yaml'], dir);
  assert.equal(r.status, 0, r.stderr);
  assert.match(readFileSync(join(dir, 'pitfile.yaml'), 'utf8'), /^ {4}cwd: services\/api$/m, 'cwd is relative to the pitfile, not to deploy/');
});

test('a file nobody can recognise fails with PIT_E_IMPORT_FORMAT, and --from names the format', () => {
  const dir = makeProject({ 'procs.txt': 'just some text, not a config\n', 'jobs.txt': procfile });
  const r = runEngine(['import', 'procs.txt', '--dry-run'], dir);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /PIT_E_IMPORT_FORMAT/);
  assert.match(r.stderr, /--from/);
  const named = runEngine(['import', 'jobs.txt', '--from', 'procfile', '--dry-run'], dir);
  assert.equal(named.status, 0, named.stderr);
  const bad = runEngine(['import', 'jobs.txt', '--from', 'foreman', '--dry-run'], dir);
  assert.equal(bad.status, 2, 'an unknown --from is a usage error');
  assert.ok(!existsSync(join(dir, 'pitfile.yaml')));
});

test('the format is known from the file name', () => {
  const cases: [string, string][] = [
    ['ecosystem.config.js', 'pm2'], ['ecosystem.config.cjs', 'pm2'], ['ecosystem.config.mjs', 'pm2'], ['ecosystem.config.json', 'pm2'], ['process.json', 'pm2'],
    ['Procfile', 'procfile'], ['Procfile.dev', 'procfile'],
    ['supervisord.conf', 'supervisord'], ['supervisor.ini', 'supervisord'],
    ['compose.yaml', 'compose'], ['docker-compose.yml', 'compose'], ['docker-compose.override.yml', 'compose'],
    ['process-compose.yaml', 'process-compose'], ['process-compose.override.yml', 'process-compose'],
  ];
  for (const [name, format] of cases) assert.equal(detectFormat(`/x/${name}`, ''), format, name);
});

test('the format is known from the content when the name says nothing', () => {
  assert.equal(detectFormat('/x/a.yaml', 'services:\n  web:\n    command: x\n'), 'compose');
  assert.equal(detectFormat('/x/a.yaml', 'version: "0.5"\nprocesses:\n  web:\n    command: x\n'), 'process-compose');
  assert.equal(detectFormat('/x/a.json', '{ "apps": [{ "script": "app.js" }] }'), 'pm2');
  assert.equal(detectFormat('/x/a.js', 'module.exports = { apps: [] }'), 'pm2');
  assert.equal(detectFormat('/x/app.conf', '[program:web]\ncommand=x\n'), 'supervisord');
  assert.equal(detectFormat('/x/procs', 'web: x\n# comment\nworker: y\n'), 'procfile');
  assert.equal(detectFormat('/x/notes.md', '# Notes\nSome text.\n'), null);
});

test('the help says that importing a JS ecosystem file runs it', () => {
  const r = runEngine(['import', '--help'], makeProject());
  assert.match(r.stdout, /evaluates ecosystem\.config\.js with node, as PM2 does/);
});

test('--env production picks env_production over env', () => {
  const dir = makeProject({ 'ecosystem.config.json': JSON.stringify({ apps: [{ name: 'api', script: 'app.js', env: { A: '1', B: '1' }, env_production: { B: '2' } }] }) });
  const r = runEngine(['import', 'ecosystem.config.json', '--env', 'production', '--dry-run'], dir);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /A: "1"\n\s+B: "2"/);
});
