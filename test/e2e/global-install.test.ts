// A real install, as a newcomer makes one: `npm pack`, a global install into a
// temp prefix, then `engine init && engine validate && engine run` in an empty
// folder, with the README's plugin example loaded from that folder (which has
// no node_modules of its own). better-sqlite3's compiled module comes from a
// prebuilt-binary mirror on 127.0.0.1 (as a company mirror would serve it),
// made from this checkout's own build: compiling SQLite again costs minutes
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
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../helpers/paths.js';
import { makeProject } from '../helpers/project.js';
import { runEngineProcess } from '../helpers/engine-process.js';
import { freePort } from '../helpers/port.js';

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
function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
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

test('npm pack, a global install into a temp prefix, then engine init, validate and run in an empty folder, with the README plugin', { timeout: 600_000 }, async () => {
  const work = mkdtempSync(join(tmpdir(), 'pit-install-'));
  // dist/ is built by `npm test` before any test runs; packing must not rebuild it under the other tests.
  const tarball = execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', work], { cwd: repoRoot, encoding: 'utf8' }).trim().split('\n').pop()!;
  const prefix = join(work, 'prefix');
  const mirror = await prebuiltMirror(work);
  const prebuilds = join(execFileSync('npm', ['config', 'get', 'cache'], { encoding: 'utf8' }).trim(), '_prebuilds');
  const cachedBefore = new Set(existsSync(prebuilds) ? readdirSync(prebuilds) : []);
  const install = await run('npm', ['install', '--global', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', '--foreground-scripts', '--loglevel', 'info', join(work, tarball)], {
    ...process.env,
    npm_config_better_sqlite3_binary_host: mirror.url,
  });
  for (const f of existsSync(prebuilds) ? readdirSync(prebuilds) : []) {
    if (!cachedBefore.has(f) && f.endsWith(mirror.name)) rmSync(join(prebuilds, f), { force: true });
  }
  assert.equal(install.status, 0, install.stderr);
  const scripts = install.stderr.split('\n').filter((l) => /using npm|info run|prebuild-install|install-scripts|gyp/.test(l));
  assert.equal(mirror.served, 1, `the compiled module came from the mirror\n${scripts.join('\n')}`);
  const bin = join(prefix, 'bin', 'engine');
  const pkg = join(prefix, 'lib', 'node_modules', 'pitengine');
  // Only what runs: no build tools and no type packages in a user's install.
  for (const dev of ['esbuild', 'typescript', '@types/node', '@types/semver', '@types/which', '@types/write-file-atomic']) {
    assert.ok(!existsSync(join(pkg, 'node_modules', dev)) && !existsSync(join(prefix, 'lib', 'node_modules', dev)), `${dev} was installed`);
  }

  const dir = makeProject({});
  const env = { ...process.env, PATH: `${join(prefix, 'bin')}:${process.env.PATH}` };
  const init = spawnSync(bin, ['init'], { cwd: dir, encoding: 'utf8', env });
  assert.equal(init.status, 0, init.stderr);
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
