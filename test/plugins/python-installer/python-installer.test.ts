// The installer's decisions and limits against a real venv, real pip and
// real Poetry on a local index; conda and uv are not installable here, so
// they are stand-ins on PATH that record their argv, named so below.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Installer, type InstallRequest } from '../../../plugins/python-installer/installer.js';
import type { InstallerConfig } from '../../../plugins/python-installer/config.js';
import type { ImportErrorFinding } from '../../../plugins/import-error-matcher/diagnose.js';
import { buildWheel, canImport, makeVenv, serveIndex, type PackageIndex } from '../../helpers/python.js';
import { makeProject, scratchDir } from '../../helpers/project.js';
import { runEngine, runEngineAsync } from '../../helpers/cli.js';
import { isAlive } from '../../helpers/proc.js';
import { until } from '../../helpers/wait.js';
import { needs } from '../../helpers/tools.js';

let index: PackageIndex;
let shared: { dir: string; python: string };

before(() => {
  const wheels = scratchDir('pit-wheels-');
  buildWheel(wheels, 'Fake-Yaml', '1.0.0', 'fakeyaml');
  buildWheel(wheels, 'PyYAML', '6.0.9', 'yaml');
  return serveIndex(wheels).then((i) => {
    index = i;
    const dir = makeProject({ 'app.py': '', 'helpers.py': '' });
    shared = { dir, python: makeVenv(join(dir, '.venv')) };
  });
});

const settings = (over: Partial<InstallerConfig> = {}): InstallerConfig => ({
  backend: 'auto', mode: 'auto', aliases: { fakeyaml: 'Fake-Yaml' }, allow: [], deny: [], maxAttempts: 3,
  editProject: false, system: false, indexUrl: index.url, extraIndexUrls: [], timeoutMs: 120_000, ...over,
});

const missing = (module: string): ImportErrorFinding => ({ kind: 'missing-module', module, top_level: module.split('.')[0], line: `ModuleNotFoundError: No module named '${module}'`, source: null });

function request(dir: string, module: string, over: Partial<InstallRequest['spec']> = {}): InstallRequest {
  return { process: 'app', spec: { command: '.venv/bin/python app.py', cwd: dir, env: {}, ...over }, finding: missing(module), seenAt: Date.now() };
}

test('decisions against the real interpreter: stdlib, the project\'s own module, installed already, denied, not allowed', async () => {
  const { dir } = shared;
  const inst = (over: Partial<InstallerConfig> = {}) => new Installer(settings({ mode: 'dry-run', ...over }), dir, join(dir, '.pit'));
  const cases: [Partial<InstallerConfig>, string, string, RegExp][] = [
    [{}, 'json.nothing', 'skipped', /json is in Python 3\.\d+'s standard library, which has no json\.nothing/],
    [{}, 'helpers', 'skipped', /helpers is the project's own \(helpers\.py\)/],
    [{}, 'pip', 'skipped', /no pip/],
    [{ deny: ['pyyaml'] }, 'yaml', 'skipped', /PyYAML is in installer\.deny/],
    [{ allow: ['requests'] }, 'yaml', 'skipped', /PyYAML is not in installer\.allow/],
    [{ allow: ['PyYAML'] }, 'yaml', 'dry-run', /would run: .*\/\.venv\/bin\/python -m pip install --isolated .*-r \{index-options\} -- PyYAML \(\{index-options\}: --index-url http:\/\/127\.0\.0\.1:\d+\/simple\/\) \(yaml is provided by PyYAML\)/],
  ];
  for (const [over, module, outcome, reason] of cases) {
    const r = await inst(over).handle(request(dir, module));
    assert.equal(r.outcome, outcome, `${module}: ${r.reason}`);
    assert.match(r.reason, reason);
  }
  const setuptools = await inst().handle(request(dir, 'setuptools'));
  assert.ok(['skipped', 'dry-run'].includes(setuptools.outcome));
  assert.ok(!canImport(shared.python, 'yaml'), 'dry-run installed nothing');
});

test('names that are not module names are refused before anything runs', () => {
  const dir = makeProject({ 'pitfile.yaml': `version: 1\nprocesses:\n  app: { command: "python3 app.py" }\ninstaller: { index_url: "${index.url}" }\n` });
  for (const bad of ['foo; rm -rf /', '../x', '-e git+https://example.com/x.git', 'a'.repeat(300), 'yаml' /* Cyrillic а */, 'x y', '$(id)']) {
    const r = runEngine(['install', '--dry-run', '--', bad], dir);
    assert.equal(r.status, 2, `${bad}: ${r.stderr}`);
    assert.match(r.stderr, /not an ASCII Python module name|longer than any real one/, bad);
  }
  assert.deepEqual(index.asked.filter((a) => a.includes('rm') || a.includes('git')), []);
});

test('engine install shows the decision and installs with real pip; --dry-run only shows it', async () => {
  const dir = makeProject({ 'app.py': 'import fakeyaml\n', 'pitfile.yaml': `version: 1\nprocesses:\n  app: { command: ".venv/bin/python app.py" }\ninstaller: { index_url: "${index.url}", aliases: { fakeyaml: Fake-Yaml } }\n` });
  const python = makeVenv(join(dir, '.venv'));
  const dry = await runEngineAsync(['install', 'fakeyaml', '--dry-run'], dir);
  assert.equal(dry.status, 0, dry.stderr);
  assert.match(dry.stdout, /^environment +.*\/\.venv \(the command runs \.venv\/bin\/python\)$/m);
  assert.match(dry.stdout, /^decision +install Fake-Yaml: fakeyaml is provided by Fake-Yaml$/m);
  assert.ok(!canImport(python, 'fakeyaml'));
  const real = await runEngineAsync(['install', 'fakeyaml'], dir);
  assert.equal(real.status, 0, real.stdout + real.stderr);
  assert.match(real.stdout, /^installed: /m);
  assert.ok(canImport(python, 'fakeyaml'));
});

test('installer.mode ask queues the decision; engine install --approve runs it', async () => {
  const dir = makeProject({ 'app.py': '', 'pitfile.yaml': `version: 1\nprocesses:\n  app: { command: ".venv/bin/python app.py" }\ninstaller: { mode: ask, index_url: "${index.url}", aliases: { fakeyaml: Fake-Yaml } }\n` });
  const python = makeVenv(join(dir, '.venv'));
  const r = await new Installer(settings({ mode: 'ask' }), dir, join(dir, '.pit')).handle(request(dir, 'fakeyaml'));
  assert.equal(r.outcome, 'pending');
  assert.match(r.reason, new RegExp(`engine install --approve ${r.id}`));
  assert.ok(!canImport(python, 'fakeyaml'));
  const queue = await runEngineAsync(['install', '--pending'], dir);
  assert.match(queue.stdout, new RegExp(`^${r.id} {2}Fake-Yaml for app`, 'm'));
  assert.match(queue.stdout, /^ {2}would run: \S*\.venv\/bin\/python -m pip install .*Fake-Yaml$/m, 'the command is shown before approval');
  const approved = await runEngineAsync(['install', '--approve', r.id], dir);
  assert.equal(approved.status, 0, approved.stdout + approved.stderr);
  assert.ok(canImport(python, 'fakeyaml'));
  assert.match(runEngine(['install', '--pending'], dir).stdout, /no install is waiting/);
  assert.equal(runEngine(['install', '--approve', r.id], dir).status, 2, 'an approval is used once');
});

test('a failed install is reported with pip\'s words, and the next try waits, remembered across restarts', async () => {
  const dir = makeProject({ 'app.py': '' });
  makeVenv(join(dir, '.venv'));
  const stateDir = join(dir, '.pit');
  const first = await new Installer(settings({ aliases: { nothere: 'Not-On-Index' } }), dir, stateDir).handle(request(dir, 'nothere'));
  assert.equal(first.outcome, 'failed');
  assert.match(first.output!, /No matching distribution found for Not-On-Index/);
  // A new installer (an engine restarted) reads the attempt from .pit/.
  const second = await new Installer(settings({ aliases: { nothere: 'Not-On-Index' } }), dir, stateDir).handle(request(dir, 'nothere'));
  assert.equal(second.outcome, 'skipped');
  assert.match(second.reason, /failed to install 1 time\(s\); the next try is after /);
  const attempts = JSON.parse(readFileSync(join(stateDir, 'installer', 'attempts.json'), 'utf8'));
  assert.equal(Object.values<{ count: number }>(attempts)[0].count, 1);
});

/** A stand-in for a tool this machine cannot install: records its argv, then does `then` (shell). */
function standIn(bin: string, name: string, then = 'exit 0'): string {
  mkdirSync(bin, { recursive: true });
  const log = join(bin, `${name}.argv`);
  writeFileSync(join(bin, name), `#!/bin/sh\nprintf '%s\\n' "$@" > '${log}'\n${then}\n`);
  chmodSync(join(bin, name), 0o755);
  return log;
}

/** A conda prefix: an isolated interpreter (a venv without pip) with conda-meta/. */
function condaPrefix(): string {
  const prefix = scratchDir('pit-conda-');
  execFileSync('python3', ['-m', 'venv', '--without-pip', prefix], { stdio: 'ignore' });
  mkdirSync(join(prefix, 'conda-meta'));
  return prefix;
}

test('conda (stand-in executable): CONDA_PREFIX picks conda, installed with conda install --yes --prefix', async () => {
  const dir = makeProject({ 'app.py': '' });
  const bin = join(dir, 'bin');
  const log = standIn(bin, 'conda');
  const prefix = condaPrefix();
  const env = { PATH: `${bin}:${prefix}/bin:${process.env.PATH}`, CONDA_PREFIX: prefix };
  const r = await new Installer(settings({ indexUrl: null }), dir, join(dir, '.pit')).handle(request(dir, 'fakeyaml', { command: 'python app.py', env }));
  assert.equal(r.outcome, 'installed', r.reason);
  assert.equal(r.backend, 'conda');
  assert.deepEqual(readFileSync(log, 'utf8').trim().split('\n'), ['install', '--yes', '--prefix', prefix, '--', 'Fake-Yaml']);
  // A pip index means nothing to conda: refused, saying what to do, and conda is not run.
  rmSync(log);
  const refused = await new Installer(settings(), dir, join(dir, '.pit-index')).handle(request(dir, 'fakeyaml', { command: 'python app.py', env }));
  assert.equal(refused.outcome, 'skipped');
  assert.match(refused.reason, /^PIT_E_INSTALL_INDEX_BACKEND conda installs from conda channels, not from a pip index.*installer\.backend: pip/);
  assert.ok(!existsSync(log), 'conda did not run');
});

test('uv (stand-in executable): a uv.lock project installs with uv pip install --python, or uv add with edit_project', async () => {
  const dir = makeProject({ 'app.py': '', 'uv.lock': '', 'pyproject.toml': '[project]\nname = "x"\n' });
  const python = makeVenv(join(dir, '.venv'));
  const bin = join(dir, 'bin');
  const log = standIn(bin, 'uv', `printf '%s' "$UV_DEFAULT_INDEX" > '${join(bin, 'uv.index')}'`);
  const env = { PATH: `${bin}:${process.env.PATH}` };
  const spec = { command: 'uv run python app.py', env };
  const r = await new Installer(settings(), dir, join(dir, '.pit')).handle(request(dir, 'fakeyaml', spec));
  assert.equal(r.backend, 'uv', r.reason);
  // The index reaches uv in its environment, not on its command line.
  assert.deepEqual(readFileSync(log, 'utf8').trim().split('\n'), ['pip', 'install', '--python', python, '--', 'Fake-Yaml']);
  assert.equal(readFileSync(join(bin, 'uv.index'), 'utf8'), index.url);
  const add = await new Installer(settings({ editProject: 'auto' }), dir, join(dir, '.pit2')).handle(request(dir, 'fakeyaml', spec));
  assert.equal(add.outcome, 'installed');
  assert.deepEqual(readFileSync(log, 'utf8').trim().split('\n'), ['add', '--project', dir, '--', 'Fake-Yaml']);
  assert.equal(add.edited, join(dir, 'pyproject.toml'), 'the event says which file changed');
});

test('an installer that hangs is killed with its process group at installer.timeout; one that prints 10 MB costs 64 KiB', async () => {
  const dir = makeProject({ 'app.py': '' });
  const bin = join(dir, 'bin');
  const pidFile = join(dir, 'sleeper.pid');
  standIn(bin, 'conda', `sleep 300 & echo $! > '${pidFile}'; wait`);
  const prefix = condaPrefix();
  const env = { PATH: `${bin}:${prefix}/bin:${process.env.PATH}`, CONDA_PREFIX: prefix };
  const started = Date.now();
  const hung = await new Installer(settings({ timeoutMs: 1000, indexUrl: null }), dir, join(dir, '.pit')).handle(request(dir, 'fakeyaml', { command: 'python app.py', env }));
  assert.equal(hung.outcome, 'failed');
  assert.match(hung.reason, /did not finish within the installer timeout and was killed/);
  assert.ok(Date.now() - started < 15_000);
  const sleeper = Number(readFileSync(pidFile, 'utf8'));
  await until(() => !isAlive(sleeper), 5000, "the installer's child to go with it");

  const loud = join(dir, 'loud');
  standIn(loud, 'conda', `head -c 10485760 /dev/zero | tr '\\0' 'x'; exit 1`);
  const flood = await new Installer(settings({ indexUrl: null }), dir, join(dir, '.pit-loud')).handle(request(dir, 'fakeyaml', { command: 'python app.py', env: { ...env, PATH: `${loud}:${prefix}/bin:${process.env.PATH}` } }));
  assert.equal(flood.outcome, 'failed');
  assert.ok(flood.output!.length <= 64 * 1024, `kept ${flood.output!.length} bytes`);
});

test('poetry (real, Debian python3-poetry): a Poetry project installs into its own environment with poetry run pip', { skip: needs('poetry') }, async () => {
  const dir = makeProject({
    'app.py': '',
    'pyproject.toml': '[tool.poetry]\nname = "app"\nversion = "0.1.0"\ndescription = ""\nauthors = ["t <t@example.com>"]\npackages = []\n\n[tool.poetry.dependencies]\npython = ">=3.8"\n\n[build-system]\nrequires = ["poetry-core"]\nbuild-backend = "poetry.core.masonry.api"\n',
  });
  const env = { ...process.env, POETRY_VIRTUALENVS_IN_PROJECT: 'true', POETRY_CACHE_DIR: join(dir, '.poetry-cache'), POETRY_NO_INTERACTION: '1' } as Record<string, string>;
  execFileSync('poetry', ['lock', '--no-update'], { cwd: dir, env, stdio: 'ignore' });
  execFileSync('poetry', ['install', '--no-root'], { cwd: dir, env, stdio: 'ignore' });
  assert.ok(existsSync(join(dir, 'poetry.lock')));
  const r = await new Installer(settings(), dir, join(dir, '.pit')).handle(request(dir, 'fakeyaml', { command: 'poetry run python app.py', env }));
  assert.equal(r.outcome, 'installed', `${r.reason}\n${r.output ?? ''}`);
  assert.equal(r.backend, 'poetry');
  assert.deepEqual(r.command!.slice(0, 7), ['poetry', '-C', dir, 'run', 'python', '-m', 'pip']);
  assert.ok(canImport(join(dir, '.venv', 'bin', 'python'), 'fakeyaml'));
  assert.equal(readFileSync(join(dir, 'pyproject.toml'), 'utf8').includes('Fake-Yaml'), false, 'pyproject.toml untouched without edit_project');
});

test('poetry (real) with edit_project: poetry add writes the dependency into pyproject.toml and installs it', { skip: needs('poetry') }, async () => {
  const dir = makeProject({
    'app.py': '',
    'pyproject.toml': `[tool.poetry]\nname = "app"\nversion = "0.1.0"\ndescription = ""\nauthors = ["t <t@example.com>"]\npackages = []\n\n[tool.poetry.dependencies]\npython = ">=3.8"\n\n[[tool.poetry.source]]\nname = "local"\nurl = "${index.url}"\ndefault = true\n\n[build-system]\nrequires = ["poetry-core"]\nbuild-backend = "poetry.core.masonry.api"\n`,
  });
  // A null keyring: Poetry would otherwise ask the desktop's keyring for the source's credentials.
  const env = { ...process.env, POETRY_VIRTUALENVS_IN_PROJECT: 'true', POETRY_CACHE_DIR: join(dir, '.poetry-cache'), POETRY_NO_INTERACTION: '1', PYTHON_KEYRING_BACKEND: 'keyring.backends.null.Keyring' } as Record<string, string>;
  execFileSync('poetry', ['lock', '--no-update'], { cwd: dir, env, stdio: 'ignore' });
  execFileSync('poetry', ['install', '--no-root'], { cwd: dir, env, stdio: 'ignore' });
  // poetry add uses the project's own source: installer.index_url cannot reach it, and is refused.
  const refused = await new Installer(settings({ editProject: true }), dir, join(dir, '.pit-index')).handle(request(dir, 'fakeyaml', { command: 'poetry run python app.py', env }));
  assert.equal(refused.outcome, 'skipped');
  assert.match(refused.reason, /^PIT_E_INSTALL_INDEX_BACKEND poetry add installs from the project's own sources/);
  const r = await new Installer(settings({ editProject: true, indexUrl: null }), dir, join(dir, '.pit')).handle(request(dir, 'fakeyaml', { command: 'poetry run python app.py', env }));
  assert.equal(r.outcome, 'installed', `${r.reason}\n${r.output ?? ''}`);
  assert.deepEqual(r.command, ['poetry', '-C', dir, 'add', '--no-interaction', 'Fake-Yaml']);
  assert.equal(r.edited, join(dir, 'pyproject.toml'));
  assert.match(readFileSync(join(dir, 'pyproject.toml'), 'utf8'), /^fake-yaml = "\^1\.0\.0"$/m);
  assert.ok(canImport(join(dir, '.venv', 'bin', 'python'), 'fakeyaml'));
});

test('a decision planted in the queue cannot choose a command: approving derives it again, a changed environment or a bad id runs nothing', async () => {
  const dir = makeProject({ 'app.py': '', 'pitfile.yaml': `version: 1\nprocesses:\n  app: { command: ".venv/bin/python app.py" }\ninstaller: { mode: ask, index_url: "${index.url}", aliases: { fakeyaml: Fake-Yaml } }\n` });
  makeVenv(join(dir, '.venv'));
  const installer = new Installer(settings({ mode: 'ask' }), dir, join(dir, '.pit'));
  const r = await installer.handle(request(dir, 'fakeyaml'));
  const queued = join(dir, '.pit', 'installer', 'pending', `${r.id}.json`);
  // Someone rewrites the queued decision to run a command of their own, in another environment.
  const pwned = join(dir, 'pwned');
  const planted = { ...JSON.parse(readFileSync(queued, 'utf8')), command: { argv: ['sh', '-c', `touch ${pwned}`] } };
  writeFileSync(queued, JSON.stringify(planted), { mode: 0o600 });
  const shown = await runEngineAsync(['install', '--pending'], dir);
  assert.match(shown.stdout, /would run: \S*\.venv\/bin\/python -m pip install/);
  assert.doesNotMatch(shown.stdout, /touch/);
  writeFileSync(queued, JSON.stringify({ ...planted, environment: '/usr', process: 'ghost' }), { mode: 0o600 });
  const ghost = await installer.approve(r.id, () => undefined);
  assert.equal(ghost?.outcome, 'skipped');
  assert.match(ghost!.reason, /not installed: no process "ghost" in the pitfile/);
  // The same id for another environment: the id is bound to what it was made for.
  writeFileSync(queued, JSON.stringify({ ...planted, distribution: 'evil-dist' }), { mode: 0o600 });
  const other = await installer.approve(r.id, () => ({ command: '.venv/bin/python app.py', cwd: dir, env: {} }));
  assert.match(other!.reason, /not in the environment this decision was made for/);
  assert.equal(await installer.approve('../../etc/passwd', () => undefined), null, 'an id that is not one names no file');
  assert.ok(!existsSync(pwned), 'the planted command never ran');
});
