// Self-healing you can trust (issue 17): what a child prints can name any
// module, so the installer installs only what it knows, refuses near misses
// of popular names, never lets a name be read as a file or URL, and asks
// the failing process's own interpreter. Decisions are checked directly;
// the installs run real pip against an index on 127.0.0.1.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import plugin from '../../../plugins/python-installer/index.js';
import { stateEvent, testPlugin } from '../../../core/plugins/testing.js';
import { checkDistributionName, decide, type EnvironmentFacts, type InstallPolicy } from '../../../plugins/python-installer/decide.js';
import { rankOf, typoOf } from '../../../plugins/python-installer/known-distributions.js';
import { Installer, type InstallRequest } from '../../../plugins/python-installer/installer.js';
import type { InstallerConfig } from '../../../plugins/python-installer/config.js';
import type { ImportErrorFinding } from '../../../plugins/import-error-matcher/diagnose.js';
import type { PitEvent } from '../../../core/events/catalog.js';
import { buildWheel, canImport, makeVenv, serveIndex, type PackageIndex } from '../../helpers/python.js';
import { makeProject, scratchDir } from '../../helpers/project.js';
import { repoRoot } from '../../helpers/paths.js';

const facts = (over: Partial<EnvironmentFacts> = {}): EnvironmentFacts => ({ version: '3.11', stdlib: new Set(['os', 'sys', 'json']), installed: null, local: null, ...over });
const policy = (over: Partial<InstallPolicy> = {}): InstallPolicy => ({ aliases: {}, allow: [], deny: [], ...over });
const missing = (module: string): ImportErrorFinding => ({ kind: 'missing-module', module, top_level: module.split('.')[0], line: `ModuleNotFoundError: No module named '${module}'`, source: null });
const notFound = (distribution: string): ImportErrorFinding => ({ kind: 'distribution-not-found', module: null, top_level: null, line: `pkg_resources.DistributionNotFound: The '${distribution}' distribution was not found`, source: null, distribution });

test('the table of popular distributions: generated from PyPI\'s 15,000 most downloaded, and none of its names is refused as a typo of another (but the two superseded ones)', () => {
  const text = readFileSync(join(repoRoot, 'plugins', 'python-installer', 'top-distributions.txt'), 'utf8');
  assert.match(text, /^# Generated from a list of PyPI's 15,000 most downloaded distributions; the newest release in that list is from \d{4}-\d\d\./);
  const names = text.split('\n').filter((l) => l && !l.startsWith('#'));
  assert.ok(names.length > 14_900, `${names.length} names`);
  assert.ok(rankOf('requests')! < 50 && rankOf('Requests') === rankOf('requests'), 'compared as pip does (PEP 503)');
  assert.equal(rankOf('Python_Dateutil'), rankOf('python-dateutil'));
  assert.equal(rankOf('surely-not-a-popular-distribution'), null);
  // fastai and fastapi, simpy and sympy are real and one letter apart: only names outside the table are checked.
  assert.deepEqual(names.filter((n) => typoOf(n)).sort(), ['beautifulsoup', 'sklearn']);
});

test('a near miss of a popular name is refused with "did you mean", never installed nor queued', () => {
  const cases: [ImportErrorFinding, string][] = [
    [missing('reqeusts'), 'requests'],
    [notFound('python-dateutils'), 'python-dateutil'],
    [notFound('beautifulsoup'), 'beautifulsoup4'],
    [notFound('sklearn'), 'scikit-learn'],
    [missing('djnago'), 'django'],
    [notFound('Reqeusts'), 'requests'],
  ];
  for (const [f, use] of cases) {
    const d = decide(f, facts(), policy());
    assert.equal(d.install, false, `${f.module ?? f.distribution}`);
    assert.ok(!d.install && d.code === 'typo');
    assert.match(d.reason, new RegExp(`^did you mean ${use}\\? `));
    assert.match(d.reason, /nothing is installed or queued/);
  }
  // A person who means it says so in installer.allow.
  const meant = decide(missing('reqeusts'), facts(), policy({ allow: ['reqeusts'] }));
  assert.ok(meant.install && !meant.ask);
});

test('the trust rule: known distributions install, any other waits for a person; allow and aliases are known', () => {
  const known = decide(missing('requests'), facts(), policy());
  assert.ok(known.install && !known.ask && known.distribution === 'requests', 'among the most downloaded');
  const mapped = decide(missing('yaml'), facts(), policy());
  assert.ok(mapped.install && !mapped.ask && mapped.distribution === 'PyYAML', 'in the import-name table');
  const unknown = decide(missing('acme_internal_lib'), facts(), policy());
  assert.ok(unknown.install && unknown.distribution === 'acme_internal_lib');
  assert.match(unknown.ask!, /^acme_internal_lib is not a known distribution .*: a person decides$/);
  const allowed = decide(missing('acme_internal_lib'), facts(), policy({ allow: ['Acme.Internal-Lib'] }));
  assert.ok(allowed.install && !allowed.ask, 'installer.allow, compared after PEP 503 normalisation');
  const aliased = decide(missing('acme_internal_lib'), facts(), policy({ aliases: { acme_internal_lib: 'acme-internal-lib' } }));
  assert.ok(aliased.install && !aliased.ask && aliased.distribution === 'acme-internal-lib');
  const denied = decide(missing('yaml'), facts(), policy({ deny: ['PYYAML'] }));
  assert.ok(!denied.install && denied.code === 'denied');
});

test('a finding that names a distribution skips the import-name table, and the trust rule still applies', () => {
  const named = decide(notFound('PyYAML'), facts(), policy());
  assert.ok(named.install && named.distribution === 'PyYAML' && !named.ask);
  // Mapped, yaml would be PyYAML; named, it is the distribution "yaml" itself.
  const direct = decide({ ...missing('yaml'), distribution: 'acme-yaml' }, facts(), policy());
  assert.ok(direct.install && direct.distribution === 'acme-yaml' && direct.ask);
  assert.ok(!decide(notFound('x.whl'), facts(), policy()).install);
});

test('names pip would read as a file or a URL are not distribution names', () => {
  for (const bad of ['evil.whl', 'evil-1.0-py3-none-any.whl', 'evil.tar.gz', 'evil.zip', 'evil.conda', 'evil.egg', 'a/b', './evil', 'git+https://x', 'x@https://e/x.whl', 'http://e', 'c:evil', '-e', 'evil ', 'ｅvil', 'a'.repeat(101)]) {
    assert.ok(checkDistributionName(bad), bad);
  }
  for (const good of ['requests', 'PyYAML', 'zope.interface', 'python-dateutil', 'a', 'A1_b.c-d']) assert.equal(checkDistributionName(good), null, good);
});

/** The machine's standard library less what Python 3.12 and 3.13 removed: what a 3.13 interpreter reports. */
const REMOVED = ['distutils', 'imp', 'asynchat', 'asyncore', 'smtpd', 'aifc', 'audioop', 'cgi', 'cgitb', 'chunk', 'crypt', 'imghdr', 'mailcap', 'msilib', 'nis', 'nntplib', 'ossaudiodev', 'pipes', 'sndhdr', 'spwd', 'sunau', 'telnetlib', 'uu', 'xdrlib', 'lib2to3'];
const machineStdlib: string[] = JSON.parse(execFileSync('python3', ['-I', '-c', 'import sys, json; print(json.dumps(sorted(sys.stdlib_module_names)))'], { encoding: 'utf8' }));
const stdlib313 = new Set(machineStdlib.filter((m) => !REMOVED.includes(m)));

test('a module that left the standard library installs its drop-in when the process\'s interpreter lacks it; imp and smtpd get a hint', () => {
  const want: Record<string, string | RegExp> = {
    distutils: 'setuptools', asyncore: 'pyasyncore', asynchat: 'pyasynchat', cgi: 'legacy-cgi', cgitb: 'legacy-cgi', telnetlib: 'standard-telnetlib',
    nntplib: 'standard-nntplib', pipes: 'standard-pipes', crypt: 'standard-crypt', imghdr: 'standard-imghdr', aifc: 'standard-aifc', chunk: 'standard-chunk',
    mailcap: 'standard-mailcap', sndhdr: 'standard-sndhdr', sunau: 'standard-sunau', uu: 'standard-uu', xdrlib: 'standard-xdrlib', audioop: 'audioop-lts',
    imp: /left the standard library in Python 3\.12: use importlib/, smtpd: /use aiosmtpd/, nis: /no drop-in on PyPI/, lib2to3: /no drop-in/,
  };
  for (const [module, expected] of Object.entries(want)) {
    const d = decide(missing(module), facts({ version: '3.13', stdlib: stdlib313 }), policy());
    if (typeof expected === 'string') {
      assert.ok(d.install, `${module}: ${d.reason}`);
      assert.equal(d.distribution, expected);
      assert.ok(!d.ask, `${module}: a drop-in Pit names is known`);
    } else {
      assert.ok(!d.install, module);
      assert.match(d.reason, expected);
    }
  }
  // The same import under 3.11, whose standard library has it: an incomplete interpreter, no install.
  const old = decide(missing('telnetlib'), facts({ version: '3.11', stdlib: new Set(machineStdlib) }), policy());
  assert.ok(!old.install && old.code === 'stdlib');
  const pkgResources = decide(missing('pkg_resources'), facts({ version: '3.12', stdlib: stdlib313 }), policy());
  assert.ok(pkgResources.install && pkgResources.distribution === 'setuptools' && pkgResources.specifier === '<82', 'setuptools 82 removed pkg_resources');
});

test('never installed: the test suite\'s own modules, anything the interpreter could not be asked about, and a submodule of an installed package ("upgrade toga?")', () => {
  for (const m of ['conftest', 'tests', 'tests.helpers', 'test']) {
    const d = decide(missing(m), facts(), policy());
    assert.ok(!d.install && d.code === 'project', m);
  }
  // An interpreter that cannot answer leaves the standard library unknown: json would look like a package.
  const unanswered = decide(missing('json'), facts({ version: '?', stdlib: new Set(), unanswered: '/x/bin/python could not be asked about json: not found' }), policy());
  assert.ok(!unanswered.install);
  assert.match(unanswered.reason, /^\/x\/bin\/python could not be asked about json: not found: nothing is installed without its answer$/);
  const sub = decide(missing('toga.style'), facts({ installed: { distributions: ['toga-core'], namespace: false } }), policy());
  assert.ok(!sub.install && sub.code === 'submodule');
  assert.match(sub.reason, /toga is installed \(toga-core\) but has no style: upgrade toga-core\?/);
});

let index: PackageIndex;
let wheels: string;

before(async () => {
  wheels = scratchDir('pit-wheels-');
  buildWheel(wheels, 'Fake-Yaml', '1.0.0', 'fakeyaml');
  buildWheel(wheels, 'acmelib', '2.0.0', 'acmelib');
  buildWheel(wheels, 'reqeusts', '1.0.0', 'reqeusts');
  buildWheel(wheels, 'toga-core', '0.1.0', 'toga');
  index = await serveIndex(wheels);
});

const settings = (over: Partial<InstallerConfig> = {}): InstallerConfig => ({
  backend: 'auto', mode: 'auto', aliases: { fakeyaml: 'Fake-Yaml' }, allow: [], deny: [], maxAttempts: 3,
  editProject: 'auto', system: false, indexUrl: index.url, extraIndexUrls: [], timeoutMs: 120_000, ...over,
});

const importError = (process: string, finding: object, at = Date.now()): PitEvent => ({ type: 'process:import-error', subject: process, at, id: `ie-${at}`, process, exit_code: 1, stream: 'stderr', ...(finding as ImportErrorFinding) });

/** A project with a venv, and the plugin set up on it as the engine would. */
async function healer(over: Partial<InstallerConfig> = {}, files: Record<string, string> = { 'app.py': '' }) {
  const dir = makeProject(files);
  const python = makeVenv(join(dir, '.venv'));
  const h = await testPlugin(plugin, { installer: settings(over), processes: { app: { command: '.venv/bin/python app.py', cwd: dir, env: {} } } }, { root: dir, stateDir: join(dir, '.pit') });
  return { dir, python, h };
}

test('twenty hostile names install nothing, and each says why in a process:app:install event', async () => {
  const { dir, python, h } = await healer();
  const asModule = ['foo; rm -rf /', '$(id)', '`id`', 'a|b', '-e', '--index-url=http://127.0.0.1:9/simple', 'https://evil.example/x.whl', 'git+https://evil.example/x.git', '../../etc/passwd', '/tmp/evil', 'a'.repeat(10 * 1024), 'requests\nevil', 'yаml' /* Cyrillic а */, 'ｒequests' /* fullwidth r */, 'pkg[extra]'];
  const asDistribution = ['evil-1.0-py3-none-any.whl', 'evil.tar.gz', 'evil.zip', 'evil.conda', 'x @ https://evil.example/x.whl'];
  const cases = [...asModule.map((m) => ({ kind: 'missing-module', module: m, top_level: m.split('.')[0], line: 'ModuleNotFoundError', source: null })), ...asDistribution.map((d) => ({ kind: 'distribution-not-found', module: null, top_level: null, line: 'DistributionNotFound', source: null, distribution: d }))];
  assert.equal(cases.length, 20);
  for (const c of cases) {
    h.clear();
    await h.act('install', {}, importError('app', c));
    const ev = h.emits.find((e) => e.name === 'process:app:install');
    assert.ok(ev, `an install event for ${JSON.stringify(c).slice(0, 80)}`);
    assert.equal(ev.data.outcome, 'skipped');
    assert.match(String(ev.data.reason), /not an ASCII Python module name|longer than any real one|names an archive|not a valid distribution name/);
    assert.equal(ev.data.command, null, 'no command was even built');
    assert.ok(h.failed, 'the reaction stops: no restart follows');
    assert.equal(h.failedCode, 'PIT_E_INSTALL_NOT_INSTALLED');
    assert.deepEqual(h.requests, []);
    assert.ok(!String(ev.data.reason).includes('\n'), 'the reason stays on one line');
  }
  assert.deepEqual(index.asked, [], 'the index was never asked');
  assert.ok(!existsSync(join(dir, '.pit', 'installer', 'pending')), 'nothing queued');
  assert.ok(!canImport(python, 'fakeyaml'));
});

test('the install action refuses what names no process or module with a PIT_E_INSTALL_* code, and installs nothing', async () => {
  const { h } = await healer();
  await h.act('install', {});
  assert.deepEqual([h.failedCode, h.failed], ['PIT_E_INSTALL_NO_PROCESS', 'install needs a process, and the event it runs after names none']);
  await h.act('install', { process: 'ghost', module: 'fakeyaml' });
  assert.deepEqual([h.failedCode, h.failed], ['PIT_E_INSTALL_PROCESS_UNKNOWN', 'no process named "ghost"']);
  await h.act('install', {}, stateEvent('app', 'running', 'exited'));
  assert.deepEqual([h.failedCode, h.failed], ['PIT_E_INSTALL_NO_MODULE', 'install after an event that names no import error: there is no module to install']);
  await h.act('approve', { id: 'deadbeef' });
  assert.deepEqual([h.failedCode, h.failed], ['PIT_E_INSTALL_NOT_PENDING', 'no install waiting with id "deadbeef"']);
  assert.deepEqual(h.emits, [], 'no install was even decided');
  assert.deepEqual(index.asked, [], 'the index was never asked');
});

test('an unknown name is queued for a person even in mode auto, and installs once approved, recorded in requirements.txt', async () => {
  const { dir, python, h } = await healer({}, { 'app.py': '', 'requirements.txt': '' });
  await h.act('install', {}, importError('app', missing('acmelib')));
  const ev = h.emits.find((e) => e.name === 'process:app:install')!;
  assert.equal(ev.data.outcome, 'pending');
  assert.match(String(ev.data.reason), /^acmelib is not a known distribution .*; waiting for approval: engine install --approve [0-9a-f]{8}$/);
  assert.ok(h.failed, 'no restart into the same failure');
  assert.ok(!index.asked.includes('acmelib'), 'pip never ran for it');
  assert.ok(!canImport(python, 'acmelib'));
  const id = /--approve ([0-9a-f]{8})/.exec(String(ev.data.reason))![1];
  assert.equal(readdirSync(join(dir, '.pit', 'installer', 'pending')).length, 1);
  h.clear();
  await h.act('approve', { id });
  assert.equal(h.emits[0].data.outcome, 'installed', String(h.emits[0].data.reason));
  assert.ok(canImport(python, 'acmelib'));
  assert.deepEqual(h.requests, [{ action: 'restart', process: 'app' }]);
  assert.equal(h.emits[0].data.edited, join(dir, 'requirements.txt'));
  assert.match(readFileSync(join(dir, 'requirements.txt'), 'utf8'), /^acmelib==2\.0\.0 {2}# added by pit on /);
});

test('a typo of a popular name is refused and not queued, though the index has it', async () => {
  const { dir, python, h } = await healer();
  await h.act('install', {}, importError('app', missing('reqeusts')));
  const ev = h.emits.find((e) => e.name === 'process:app:install')!;
  assert.equal(ev.data.outcome, 'skipped');
  assert.match(String(ev.data.reason), /^did you mean requests\? /);
  assert.ok(!existsSync(join(dir, '.pit', 'installer', 'pending')), 'not queued');
  assert.ok(!index.asked.includes('reqeusts'));
  assert.ok(!canImport(python, 'reqeusts'));
});

test('a submodule missing from an installed package (real venv) is refused: upgrade it', async () => {
  const dir = makeProject({ 'app.py': '' });
  const python = makeVenv(join(dir, '.venv'));
  execFileSync(python, ['-m', 'pip', 'install', '--isolated', '--no-index', '--find-links', wheels, 'toga-core'], { stdio: 'ignore', env: { ...process.env, PIP_CONFIG_FILE: '/dev/null' } });
  const r = await new Installer(settings(), dir, join(dir, '.pit')).handle({ process: 'app', spec: { command: '.venv/bin/python app.py', cwd: dir, env: {} }, finding: missing('toga.style'), seenAt: Date.now() });
  assert.equal(r.outcome, 'skipped');
  assert.match(r.reason, /toga is installed \(toga-core\) but has no style: upgrade toga-core\?/);
});

test('a module of the package a script runs inside is the project\'s own, wherever the pitfile is', async () => {
  const dir = makeProject({ 'ops/pitfile.yaml': '', 'src/mypkg/__init__.py': '', 'src/mypkg/cli.py': 'from mypkg import core\n' });
  makeVenv(join(dir, '.venv'));
  const r = await new Installer(settings({ mode: 'dry-run' }), join(dir, 'ops'), join(dir, '.pit')).handle({ process: 'app', spec: { command: `${dir}/.venv/bin/python cli.py`, cwd: join(dir, 'src', 'mypkg'), env: {} }, finding: missing('mypkg.core'), seenAt: Date.now() });
  assert.equal(r.outcome, 'skipped');
  assert.match(r.reason, /mypkg is the project's own \(.*src\/mypkg\/ \(the package the process runs inside\)\)/);
});

test('the decision asks the process\'s own interpreter (a 3.13 stand-in), never the engine\'s: telnetlib installs standard-telnetlib', async () => {
  const dir = makeProject({ 'app.py': '' });
  // A stand-in interpreter that answers the probe as a 3.13 virtual environment would.
  const bin = join(dir, 'py313', 'bin');
  mkdirSync(bin, { recursive: true });
  const answer = JSON.stringify({ version: '3.13', stdlib: [...stdlib313], installed: null, venv: true });
  writeFileSync(join(bin, 'python'), `#!/bin/sh\ncat <<'EOF'\n${answer}\nEOF\n`);
  chmodSync(join(bin, 'python'), 0o755);
  const spec = { command: `${bin}/python app.py`, cwd: dir, env: {} };
  const r = await new Installer(settings({ mode: 'dry-run' }), dir, join(dir, '.pit')).handle({ process: 'app', spec, finding: missing('telnetlib'), seenAt: Date.now() });
  assert.equal(r.outcome, 'dry-run', r.reason);
  assert.equal(r.distribution, 'standard-telnetlib');
  assert.match(r.reason, /telnetlib left the standard library in Python 3\.13 \(this is 3\.13\)/);
  // The engine's python3 (3.11) has telnetlib: asked instead, it would have refused.
  const engines = await new Installer(settings({ mode: 'dry-run', system: true }), dir, join(dir, '.pit2')).handle({ process: 'app', spec: { ...spec, command: 'python3 app.py' }, finding: missing('telnetlib'), seenAt: Date.now() });
  assert.equal(engines.outcome, 'skipped');
  const pinned = await new Installer(settings({ mode: 'dry-run' }), dir, join(dir, '.pit3')).handle({ process: 'app', spec, finding: missing('pkg_resources'), seenAt: Date.now() });
  assert.match(pinned.reason, /would run: .* -- setuptools<82 /);
});

test('an interpreter that is not a virtual environment is refused with the command to make one, unless installer.system', async () => {
  const dir = makeProject({ 'app.py': '' });
  const req: InstallRequest = { process: 'app', spec: { command: 'python3 app.py', cwd: dir, env: {} }, finding: missing('fakeyaml'), seenAt: Date.now() };
  const r = await new Installer(settings(), dir, join(dir, '.pit')).handle(req);
  assert.equal(r.outcome, 'skipped');
  assert.match(r.reason, /is not a virtual environment \(the system's or pyenv's own Python\).*python3 -m venv \.venv.*installer\.system: true/);
  assert.equal(r.command, null);
  assert.ok(!index.asked.includes('fake-yaml'));
  // Allowed, it goes ahead (shown, not run: this machine's own Python is left alone).
  const system = await new Installer(settings({ system: true, mode: 'dry-run' }), dir, join(dir, '.pit2')).handle(req);
  assert.equal(system.outcome, 'dry-run', system.reason);
});
