// installer.edit_project: a heal is recorded where the project keeps its
// dependencies (requirements.txt here; poetry add and uv add are in
// python-installer.test.ts), pinned, with a comment that says why. Real pip.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Installer, type InstallRequest } from '../../../plugins/python-installer/installer.js';
import type { InstallerConfig } from '../../../plugins/python-installer/config.js';
import { appendRequirement } from '../../../plugins/python-installer/requirements-file.js';
import { buildWheel, canImport, makeVenv, serveIndex, type PackageIndex } from '../../helpers/python.js';
import { makeProject, scratchDir } from '../../helpers/project.js';

let index: PackageIndex;

before(async () => {
  const wheels = scratchDir('pit-wheels-');
  buildWheel(wheels, 'Fake-Yaml', '1.0.0', 'fakeyaml');
  index = await serveIndex(wheels);
});

const settings = (over: Partial<InstallerConfig> = {}): InstallerConfig => ({
  backend: 'auto', mode: 'auto', aliases: { fakeyaml: 'Fake-Yaml' }, allow: [], deny: [], maxAttempts: 3,
  editProject: 'auto', system: false, indexUrl: index.url, extraIndexUrls: [], timeoutMs: 120_000, ...over,
});

const request = (dir: string): InstallRequest => ({
  process: 'app', spec: { command: '.venv/bin/python app.py', cwd: dir, env: {} }, finding: { kind: 'missing-module', module: 'fakeyaml', top_level: 'fakeyaml', line: "ModuleNotFoundError: No module named 'fakeyaml'", source: null }, seenAt: Date.now(),
});

test('edit_project auto: a project with requirements.txt gets the healed distribution appended, pinned, with why; the event names the file', async () => {
  const dir = makeProject({ 'app.py': 'import fakeyaml\n', 'requirements.txt': 'flask==3.0.0' /* no newline at the end */ });
  const python = makeVenv(join(dir, '.venv'));
  const r = await new Installer(settings(), dir, join(dir, '.pit')).handle(request(dir));
  assert.equal(r.outcome, 'installed', `${r.reason}\n${r.output ?? ''}`);
  assert.ok(canImport(python, 'fakeyaml'));
  assert.equal(r.edited, join(dir, 'requirements.txt'));
  assert.match(r.reason, /recorded in .*requirements\.txt$/);
  const lines = readFileSync(join(dir, 'requirements.txt'), 'utf8').split('\n');
  assert.equal(lines[0], 'flask==3.0.0', 'the last line is kept whole');
  assert.match(lines[1], /^Fake-Yaml==1\.0\.0 {2}# added by pit on \d{4}-\d\d-\d\d: fakeyaml was missing when the process started$/);
  assert.equal(lines.length, 3);
});

test('a distribution requirements.txt already names is not appended again', () => {
  const dir = makeProject({ 'requirements.txt': '# deps\nfake_yaml>=0.5\n' });
  assert.equal(appendRequirement(join(dir, 'requirements.txt'), 'Fake-Yaml', '1.0.0', 'x'), null);
  assert.equal(readFileSync(join(dir, 'requirements.txt'), 'utf8'), '# deps\nfake_yaml>=0.5\n');
});

test('edit_project false touches no project file; a project without one is left alone and the event says so', async () => {
  const dir = makeProject({ 'app.py': '', 'requirements.txt': 'flask==3.0.0\n' });
  makeVenv(join(dir, '.venv'));
  const r = await new Installer(settings({ editProject: false }), dir, join(dir, '.pit')).handle(request(dir));
  assert.equal(r.outcome, 'installed', r.reason);
  assert.equal(r.edited, null);
  assert.equal(readFileSync(join(dir, 'requirements.txt'), 'utf8'), 'flask==3.0.0\n');

  const bare = makeProject({ 'app.py': '' });
  makeVenv(join(bare, '.venv'));
  const b = await new Installer(settings(), bare, join(bare, '.pit')).handle(request(bare));
  assert.equal(b.outcome, 'installed', b.reason);
  assert.equal(b.edited, null);
});
