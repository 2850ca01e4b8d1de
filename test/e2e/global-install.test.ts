// A real install, as a newcomer makes one: `npm pack`, a global install into a
// temp prefix, then `engine init && engine validate && engine run` in an empty
// folder, with the README's plugin example loaded from that folder (which has
// no node_modules of its own). Then the installs that go wrong on other
// machines: better-sqlite3's install script skipped (npm's ignore-scripts,
// as npm 12 does unless allowed) or failing (no download, no compiler), and
// Node 24 with npm 12 themselves, from the registry, where the journal needs
// no better-sqlite3. Its compiled module comes from a prebuilt-binary
// mirror on 127.0.0.1 (as a company mirror would serve it), made from this
// checkout's own build: compiling SQLite again costs minutes
// of the suite's two cores and tests nothing of Pit's. prebuild-install keeps
// every download in npm's cache under 6 hex digits of its URL's hash, so the
// mirror's URL is new on every run (a port used before is a cache hit, and
// the mirror is asked nothing: the likely cause of one CI failure), and the
// test takes its cached copy out again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { repoRoot } from '../helpers/paths.js';
import { makeProject, scratchDir } from '../helpers/project.js';
import { runEngineProcess } from '../helpers/engine-process.js';
import { freePort } from '../helpers/port.js';
import { registryPackage } from '../helpers/registry-package.js';

/**
 * A prebuild-install mirror for better-sqlite3 on 127.0.0.1, serving this
 * checkout's compiled module under the name prebuild-install asks for.
 */
async function prebuiltMirror(work: string): Promise<{ url: string; served: number; name: string }> {
  const pkgDir = join(repoRoot, 'node_modules', 'better-sqlite3');
  const { version } = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { version: string };
  const name = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
  const archive = join(work, name);
  execFileSync('tar', ['-czf', archive, '-C', pkgDir, 'build/Release/better_sqlite3.node']);
  const id = randomUUID();
  const mirror = { url: '', served: 0, name };
  const server = createServer((req, res) => {
    if (req.url !== `/${id}/v${version}/${name}`) return void res.writeHead(404).end();
    mirror.served++;
    res.writeHead(200).end(readFileSync(archive));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  server.unref();
  mirror.url = `http://127.0.0.1:${(server.address() as { port: number }).port}/${id}`;
  return mirror;
}

/** Run a command without blocking this process (the mirror answers from it). */
function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env, cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

/** The README's plugin example, as written there. */
function readmePlugin(): { file: string; code: string } {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const block = /```js\n(\/\/ (\S+), listed in the pitfile[^\n]*\n[\s\S]*?)```/.exec(readme);
  assert.ok(block, 'README.md has the plugin example');
  return { file: block[2], code: block[1] };
}

/** This checkout packed once for the file's tests, the mirror, and what takes prebuild-install's cached copies out again. */
let packedOnce: Promise<{ work: string; tarball: string; mirror: Awaited<ReturnType<typeof prebuiltMirror>>; forgetPrebuilds: () => void }> | null = null;
function packed() {
  packedOnce ??= (async () => {
    const work = scratchDir('pit-install-');
    // dist/ is built by `npm test` before any test runs; packing must not rebuild it under the other tests.
    const name = execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', work], { cwd: repoRoot, encoding: 'utf8' }).trim().split('\n').pop()!;
    const mirror = await prebuiltMirror(work);
    const prebuilds = join(execFileSync('npm', ['config', 'get', 'cache'], { encoding: 'utf8' }).trim(), '_prebuilds');
    const cachedBefore = new Set(existsSync(prebuilds) ? readdirSync(prebuilds) : []);
    const forgetPrebuilds = () => {
      for (const f of existsSync(prebuilds) ? readdirSync(prebuilds) : []) {
        if (!cachedBefore.has(f) && f.endsWith(mirror.name)) rmSync(join(prebuilds, f), { force: true });
      }
    };
    return { work, tarball: join(work, name), mirror, forgetPrebuilds };
  })();
  return packedOnce;
}

/** `npm install --global` of the packed checkout into `prefix`; `npm` is the command and its first arguments. */
async function installGlobal(prefix: string, flags: string[], env: NodeJS.ProcessEnv, npm = ['npm']) {
  const { tarball, mirror, forgetPrebuilds } = await packed();
  const install = await run(npm[0], [...npm.slice(1), 'install', '--global', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', '--foreground-scripts', '--loglevel', 'info', ...flags, tarball], {
    npm_config_better_sqlite3_binary_host: mirror.url,
    ...env,
  });
  forgetPrebuilds();
  assert.equal(install.status, 0, install.stderr);
  // What npm and prebuild-install did, for a failure's message.
  const scripts = install.stderr.split('\n').filter((l) => /using npm|info run|prebuild-install|install-scripts|gyp/.test(l)).join('\n');
  return { scripts, bin: join(prefix, 'bin', 'engine'), pkg: join(prefix, 'lib', 'node_modules', 'pitengine') };
}

/**
 * What makes the engine do without node:sqlite, as on Node 20, where the
 * tests of a missing better-sqlite3 are about: nothing there, a flag on a
 * Node that has it (the suite also runs on Node 22 and 24).
 */
const withoutNodeSqlite: NodeJS.ProcessEnv = semver.gte(process.version, '22.13.0') ? { NODE_OPTIONS: '--no-experimental-sqlite' } : {};

/** A new project with the starter pitfile `engine init` writes. */
function initProject(bin: string, env: NodeJS.ProcessEnv): string {
  const dir = makeProject({});
  const init = spawnSync(bin, ['init'], { cwd: dir, encoding: 'utf8', env });
  assert.equal(init.status, 0, init.stderr);
  return dir;
}

test('npm pack, a global install into a temp prefix, then engine init, validate and run in an empty folder, with the README plugin', { timeout: 600_000 }, async () => {
  const { work, mirror } = await packed();
  const served = mirror.served;
  const prefix = join(work, 'prefix');
  const { scripts, bin, pkg } = await installGlobal(prefix, [], process.env);
  assert.equal(mirror.served, served + 1, `the compiled module came from the mirror\n${scripts}`);
  // Only what runs: no build tools and no type packages in a user's install.
  for (const dev of ['esbuild', 'typescript', '@types/node', '@types/semver', '@types/which', '@types/write-file-atomic']) {
    assert.ok(!existsSync(join(pkg, 'node_modules', dev)) && !existsSync(join(prefix, 'lib', 'node_modules', dev)), `${dev} was installed`);
  }

  const env = { ...process.env, PATH: `${join(prefix, 'bin')}:${process.env.PATH}` };
  const dir = initProject(bin, env);
  const pitfile = readFileSync(join(dir, 'pitfile.yaml'), 'utf8');
  // The schema and docs the starter names exist from this folder.
  const schema = /\$schema=(\S+)/.exec(pitfile)![1];
  const docs = /Every key: (\S+)\. /.exec(pitfile)![1];
  assert.ok(existsSync(join(dir, schema)) || existsSync(schema), `schema ${schema} does not exist`);
  assert.ok(existsSync(join(dir, docs)) || existsSync(docs), `docs ${docs} do not exist`);
  assert.ok(!existsSync(join(dir, 'node_modules')));

  const plugin = readmePlugin();
  mkdirSync(join(dir, 'tools'), { recursive: true });
  writeFileSync(join(dir, plugin.file), plugin.code);
  const withPlugin = pitfile.replace(
    '\nreactions:\n',
    `\nplugins: [./${plugin.file}]\n\nreactions:\n  - on: process:web:state\n    do: [{ notify.say: { text: hello from the README } }]\n`,
  );
  assert.notEqual(withPlugin, pitfile);
  writeFileSync(join(dir, 'pitfile.yaml'), withPlugin);
  const validate = spawnSync(bin, ['validate'], { cwd: dir, encoding: 'utf8', env });
  assert.equal(validate.status, 0, validate.stdout + validate.stderr);

  const engine = runEngineProcess(dir, [], { bin, env: { ...env, PORT: String(await freePort()) } });
  await engine.waitFor(/web healthy/, 60_000);
  await engine.waitFor(/tick/, 30_000);
  await engine.waitFor(/said hello from the README/, 30_000);
  assert.doesNotMatch(engine.text(), /PIT_E_PLUGIN|cannot find|ERR_MODULE_NOT_FOUND/);
  engine.child.kill('SIGTERM');
  assert.equal(await engine.exited, 0, engine.text());
  // The installed native module ran: the journal was written.
  const events = spawnSync(bin, ['events', '--type', 'process:web:*'], { cwd: dir, encoding: 'utf8', env });
  assert.equal(events.status, 0, events.stderr);
  assert.match(events.stdout, /web/);
});

test("a global install whose dependency scripts did not run: engine run supervises, says once that the journal is off with the command that fixes it, and that command fixes it", { timeout: 600_000 }, async () => {
  const { work, mirror, forgetPrebuilds } = await packed();
  const prefix = join(work, 'prefix-no-scripts');
  // What npm 12 does to better-sqlite3's install script unless it is allowed.
  const { bin, pkg } = await installGlobal(prefix, ['--ignore-scripts'], process.env);
  assert.ok(!existsSync(join(pkg, 'node_modules', 'better-sqlite3', 'build')), 'no compiled module');
  const env = { ...process.env, ...withoutNodeSqlite, PATH: `${join(prefix, 'bin')}:${process.env.PATH}` };
  const dir = initProject(bin, env);
  const doctor = spawnSync(bin, ['doctor'], { cwd: dir, encoding: 'utf8', env });
  assert.match(doctor.stdout + doctor.stderr, /journal.*the journal is off.*\[PIT_E_JOURNAL_SQLITE\]/);

  const engine = runEngineProcess(dir, [], { bin, env: { ...env, PORT: String(await freePort()) } });
  const [, fix] = await engine.waitFor(/fix: run "(npm rebuild better-sqlite3 --prefix \S+)"/, 60_000);
  await engine.waitFor(/web healthy/, 60_000);
  const live = await run(bin, ['events'], env, dir);
  assert.equal(live.status, 1);
  assert.match(live.stderr, /the journal is off.*\[PIT_E_JOURNAL_SQLITE\]/, 'asked of the running engine');
  engine.child.kill('SIGTERM');
  assert.equal(await engine.exited, 0, engine.text());
  assert.equal(engine.text().match(/PIT_E_JOURNAL_SQLITE/g)?.length, 1, `said once:\n${engine.text()}`);
  assert.equal(fix, `npm rebuild better-sqlite3 --prefix ${pkg}`);
  assert.deepEqual(readdirSync(join(dir, '.pit')).filter((f) => f.startsWith('journal')), [], 'no journal file made, none moved aside');
  const events = spawnSync(bin, ['events'], { cwd: dir, encoding: 'utf8', env });
  assert.equal(events.status, 1);
  assert.match(events.stderr, /the journal is off.*\[PIT_E_JOURNAL_SQLITE\]/);

  // The fix, as printed (the mirror stands in for better-sqlite3's download host).
  const served = mirror.served;
  const [cmd, ...args] = fix.split(' ');
  const rebuild = await run(cmd, args, { ...env, npm_config_better_sqlite3_binary_host: mirror.url });
  forgetPrebuilds();
  assert.equal(rebuild.status, 0, rebuild.stderr);
  assert.equal(mirror.served, served + 1, 'the rebuild fetched the compiled module');
  const again = runEngineProcess(dir, [], { bin, env: { ...env, PORT: String(await freePort()) } });
  await again.waitFor(/web healthy/, 60_000);
  again.child.kill('SIGTERM');
  assert.equal(await again.exited, 0, again.text());
  assert.doesNotMatch(again.text(), /PIT_E_JOURNAL/);
  const journaled = spawnSync(bin, ['events', '--type', 'process:web:*'], { cwd: dir, encoding: 'utf8', env });
  assert.equal(journaled.status, 0, journaled.stderr);
  assert.match(journaled.stdout, /web/);
});

test('a global install on a machine that can neither fetch nor build better-sqlite3 succeeds without it, and doctor says what to do', { timeout: 600_000 }, async () => {
  const { work } = await packed();
  const prefix = join(work, 'prefix-no-sqlite');
  // No download host that answers, no C compiler: its install script fails, and npm drops an optional dependency whose script failed.
  const { bin, pkg } = await installGlobal(prefix, [], { ...process.env, npm_config_better_sqlite3_binary_host: 'http://127.0.0.1:1', CC: '/bin/false', CXX: '/bin/false' });
  assert.ok(!existsSync(join(pkg, 'node_modules', 'better-sqlite3')), 'better-sqlite3 dropped');
  const env = { ...process.env, ...withoutNodeSqlite, PATH: `${join(prefix, 'bin')}:${process.env.PATH}` };
  const dir = initProject(bin, env);
  const doctor = spawnSync(bin, ['doctor'], { cwd: dir, encoding: 'utf8', env });
  assert.match(doctor.stdout, /^FAIL +journal +the journal is off: .*better-sqlite3 did not load \(it is not installed\) \[PIT_E_JOURNAL_SQLITE\]$/m);
  assert.match(doctor.stdout, /run Pit on Node 22\.13 or newer.*or install Pit again where better-sqlite3 can be downloaded or built/);
  assert.doesNotMatch(doctor.stdout, /npm rebuild/, 'no rebuild of a package that is not there');
});

test('Node 24 with npm 12, both from the registry: the global install skips better-sqlite3, and the journal runs on Node\'s own SQLite without a warning', { timeout: 600_000 }, async () => {
  const node24 = join(registryPackage(`node-linux-${process.arch}@24.22.3`), 'bin');
  const npm12 = join(registryPackage('npm@12.2.2'), 'bin', 'npm-cli.js');
  const { work, mirror } = await packed();
  const prefix = join(work, 'prefix-node24');
  // Not the suite's npm settings (npm 12 refuses some npm 11 accepts): the user's own, and Node 24 first on PATH.
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  const env = { ...clean, PATH: `${join(prefix, 'bin')}:${node24}:${process.env.PATH}` };
  const served = mirror.served;
  const { scripts, bin, pkg } = await installGlobal(prefix, [], env, [join(node24, 'node'), npm12]);
  assert.match(scripts, /using npm@12\.2\.2/);
  assert.match(scripts, /install-scripts[\s\S]*better-sqlite3@/, 'npm 12 reports the skipped script');
  assert.equal(mirror.served, served, 'better-sqlite3 fetched nothing');
  assert.ok(!existsSync(join(pkg, 'node_modules', 'better-sqlite3', 'build')), 'no compiled module');

  const dir = initProject(bin, env);
  const doctor = spawnSync(bin, ['doctor'], { cwd: dir, encoding: 'utf8', env });
  assert.match(doctor.stdout, /journal.*SQLite built into Node v24\.22\.3/);
  const engine = runEngineProcess(dir, [], { bin, env: { ...env, PORT: String(await freePort()) } });
  await engine.waitFor(/web healthy/, 60_000);
  engine.child.kill('SIGTERM');
  assert.equal(await engine.exited, 0, engine.text());
  assert.doesNotMatch(engine.text(), /ExperimentalWarning|PIT_E_JOURNAL/);
  const events = spawnSync(bin, ['events', '--type', 'process:web:*'], { cwd: dir, encoding: 'utf8', env });
  assert.equal(events.status, 0, events.stderr);
  assert.match(events.stdout, /web healthy|web.*running/);
  assert.doesNotMatch(events.stderr, /ExperimentalWarning/);
});
