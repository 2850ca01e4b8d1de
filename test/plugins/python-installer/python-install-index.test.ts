// The index rule (docs/pitfile.md, installer.index_url): pip installs from
// the pitfile's index alone — no pip.conf of the machine or of the
// environment, no PIP_* variable — and a token in the index URL reaches pip
// without ever being on a command line, in an event or in GET /v1/config.
// Real pip, real venvs, an index on 127.0.0.1.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Installer, type InstallRequest } from '../../../plugins/python-installer/installer.js';
import type { InstallerConfig } from '../../../plugins/python-installer/config.js';
import { installCommand } from '../../../plugins/python-installer/command.js';
import { prepareRun } from '../../../plugins/python-installer/run.js';
import { redactUrl, redactUrls } from '../../../core/config/redact.js';
import { ControlClient } from '../../../core/control/client.js';
import { buildWheel, canImport, makeVenv, serveIndex, type PackageIndex } from '../../helpers/python.js';
import { makeProject, scratchDir } from '../../helpers/project.js';
import { runEngineProcess } from '../../helpers/engine-process.js';

let index: PackageIndex;
let slow: PackageIndex;

before(async () => {
  const wheels = scratchDir('pit-wheels-');
  buildWheel(wheels, 'Fake-Yaml', '1.0.0', 'fakeyaml');
  index = await serveIndex(wheels);
  slow = await serveIndex(wheels, { delayMs: 1500 });
});

const settings = (over: Partial<InstallerConfig> = {}): InstallerConfig => ({
  backend: 'auto', mode: 'auto', aliases: { fakeyaml: 'Fake-Yaml' }, allow: [], deny: [], maxAttempts: 3,
  editProject: false, system: false, indexUrl: index.url, extraIndexUrls: [], timeoutMs: 120_000, ...over,
});

const request = (dir: string, env: Record<string, string> = {}): InstallRequest => ({
  process: 'app', spec: { command: '.venv/bin/python app.py', cwd: dir, env }, finding: { kind: 'missing-module', module: 'fakeyaml', top_level: 'fakeyaml', line: "ModuleNotFoundError: No module named 'fakeyaml'", source: null }, seenAt: Date.now(),
});

test('none of the machine\'s pip configuration applies: the environment\'s pip.conf and the process\'s PIP_* variables are ignored', async () => {
  const dir = makeProject({ 'app.py': '' });
  const python = makeVenv(join(dir, '.venv'));
  // pip reads a venv's own pip.conf even with --isolated; each line here would break the install.
  const constraints = join(dir, 'constraints.txt');
  writeFileSync(constraints, 'Fake-Yaml==9.9.9\n');
  writeFileSync(join(dir, '.venv', 'pip.conf'), `[global]\nno-index = true\nconstraint = ${constraints}\nindex-url = http://127.0.0.1:9/nothing/\n`);
  const env = { PIP_NO_INDEX: '1', PIP_INDEX_URL: 'http://127.0.0.1:9/nothing/', PIP_CONSTRAINT: constraints, PIP_CONFIG_FILE: join(dir, '.venv', 'pip.conf') };
  const asked = index.asked.length;
  const r = await new Installer(settings(), dir, join(dir, '.pit')).handle(request(dir, env));
  assert.equal(r.outcome, 'installed', `${r.reason}\n${r.output ?? ''}`);
  assert.ok(canImport(python, 'fakeyaml'));
  assert.deepEqual(index.asked.slice(asked), ['fake-yaml'], 'the pitfile\'s index was asked');
  assert.equal(r.index, index.url);
});

test('credentials in index_url reach pip, and never its command line, the event, or pip\'s output kept in it', async () => {
  const dir = makeProject({ 'app.py': '' });
  const python = makeVenv(join(dir, '.venv'));
  const withToken = slow.url.replace('http://', 'http://pit-user:s3cret-token@');
  const seen: string[] = [];
  // While pip waits on the slow index, every command line on the machine is read.
  const watch = setInterval(() => {
    for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
      try {
        const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        if (argv.includes('pip\0install')) seen.push(argv);
      } catch { /* gone */ }
    }
  }, 25);
  const r = await new Installer(settings({ indexUrl: withToken }), dir, join(dir, '.pit')).handle(request(dir));
  clearInterval(watch);
  assert.equal(r.outcome, 'installed', `${r.reason}\n${r.output ?? ''}`);
  assert.ok(canImport(python, 'fakeyaml'));
  assert.ok(seen.length > 0, 'pip\'s command line was seen while it ran');
  assert.deepEqual(seen.filter((a) => a.includes('s3cret')), [], 'no command line holds the token');
  assert.ok(slow.authorizations.includes(`Basic ${Buffer.from('pit-user:s3cret-token').toString('base64')}`), 'pip sent the credentials to the index');
  assert.ok(!JSON.stringify(r).includes('s3cret') && !JSON.stringify(r).includes('pit-user'), 'the event has none of them');
  assert.equal(r.index, slow.url.replace('http://', 'http://***@'));

  const missingToo = { ...request(dir), finding: { kind: 'missing-module' as const, module: 'nothere', top_level: 'nothere', line: "ModuleNotFoundError: No module named 'nothere'", source: null } };
  const failed = await new Installer(settings({ indexUrl: withToken, aliases: { nothere: 'Not-There' } }), dir, join(dir, '.pit-failed')).handle(missingToo);
  assert.equal(failed.outcome, 'failed');
  assert.ok(!JSON.stringify(failed).includes('s3cret') && !JSON.stringify(failed).includes('pit-user'), `pip's output, redacted: ${failed.output}`);
});

test('the install runs in a private empty folder, the index options file is for the owner only, and both are gone after', () => {
  const dir = makeProject({ 'app.py': '' });
  const cmd = installCommand({ backend: 'pip', python: '/x/bin/python', prefix: '/x', project: null, foundBy: 'test' }, 'Fake-Yaml', { indexUrl: 'https://u:tok@pypi.example/simple/', extraIndexUrls: ['https://extra.example/simple/'], editProject: false });
  assert.ok(!cmd.argv.join(' ').includes('tok'));
  const run = prepareRun(cmd, { indexUrl: 'https://u:tok@pypi.example/simple/', extraIndexUrls: ['https://extra.example/simple/'] }, { PATH: '/bin', PIP_INDEX_URL: 'http://evil.example/', PIP_FIND_LINKS: '/opt/wheels' });
  assert.equal(statSync(run.cwd).mode & 0o777, 0o700);
  assert.notEqual(run.cwd, dir);
  assert.deepEqual(readdirSync(run.cwd), ['index-options.txt']);
  const file = run.argv[run.argv.indexOf('-r') + 1];
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.equal(readFileSync(file, 'utf8'), '--index-url https://u:tok@pypi.example/simple/\n--extra-index-url https://extra.example/simple/\n');
  assert.equal(run.env.PIP_CONFIG_FILE, '/dev/null');
  assert.equal(run.env.PIP_INDEX_URL, undefined);
  assert.equal(run.env.PIP_FIND_LINKS, undefined);
  assert.ok(!run.argv.join(' ').includes('tok'));
  rmSync(run.cwd, { recursive: true }); // runInstall's own work, which this test stands in for
});

test('a real install runs with a private empty working directory (a stand-in conda records it)', async () => {
  const dir = makeProject({ 'app.py': '', 'Fake-Yaml': '' });
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  const log = join(dir, 'cwd.txt');
  writeFileSync(join(bin, 'conda'), `#!/bin/sh\n{ pwd; stat -c %a .; ls -A | wc -l; } > '${log}'\n`);
  chmodSync(join(bin, 'conda'), 0o755);
  const prefix = scratchDir('pit-conda-');
  execFileSync('python3', ['-m', 'venv', '--without-pip', prefix], { stdio: 'ignore' });
  mkdirSync(join(prefix, 'conda-meta'));
  const r = await new Installer(settings({ indexUrl: null }), dir, join(dir, '.pit')).handle({ ...request(dir), spec: { command: 'python app.py', cwd: dir, env: { PATH: `${bin}:${prefix}/bin:${process.env.PATH}`, CONDA_PREFIX: prefix } } });
  assert.equal(r.outcome, 'installed', r.reason);
  const [cwd, mode, entries] = readFileSync(log, 'utf8').trim().split('\n');
  assert.notEqual(cwd, dir);
  assert.match(cwd, /\/pit-install-/);
  assert.equal(mode, '700');
  assert.equal(entries.trim(), '0');
});

test('redaction: user and password of a URL become ***, in a URL and in any text', () => {
  assert.equal(redactUrl('https://user:tok@pypi.example/simple/'), 'https://***@pypi.example/simple/');
  assert.equal(redactUrl('https://pypi.example/simple/'), 'https://pypi.example/simple/');
  assert.equal(redactUrls('Looking in indexes: https://user:****@a.example/simple, http://t@b.example/x'), 'Looking in indexes: https://***@a.example/simple, http://***@b.example/x');
});

test('GET /v1/config shows index URLs without their credentials', async () => {
  const dir = makeProject({ 'pitfile.yaml': 'version: 1\nprocesses:\n  idle: { command: ["node", "-e", "setInterval(() => {}, 1000)"] }\ninstaller:\n  index_url: "https://pit-user:s3cret@pypi.example/simple/"\n  extra_index_url: ["https://other:tok2@extra.example/simple/"]\n' });
  const engine = runEngineProcess(dir);
  after(async () => {
    engine.child.kill('SIGTERM');
    await engine.exited;
  });
  await engine.waitFor(/listening on/);
  const config = await new ControlClient(join(dir, '.pit', 'engine.sock')).call<{ sections: { installer: { index_url: string; extra_index_url: string[] } } }>('GET', '/v1/config');
  assert.equal(config.sections.installer.index_url, 'https://***@pypi.example/simple/');
  assert.deepEqual(config.sections.installer.extra_index_url, ['https://***@extra.example/simple/']);
  assert.ok(!JSON.stringify(config).includes('s3cret') && !JSON.stringify(config).includes('tok2'));
});
