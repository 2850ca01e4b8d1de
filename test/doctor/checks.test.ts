// engine doctor: every check made to fail on purpose, through real files and
// sockets where the machine allows it and injected readings where only the
// OS can say (Node's version, the inotify limit, which tools are installed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { existsSync, mkdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { machineInputs, runDoctor } from '../../core/doctor/checks.js';
import type { CheckResult, DoctorInputs } from '../../core/doctor/check-result.js';
import { makeProject } from '../helpers/project.js';
import { errors } from '../../core/errors.js';
import { runEngine } from '../helpers/cli.js';
import { freePort } from '../helpers/port.js';

const valid = 'version: 1\nprocesses:\n  api: { command: "node app.js" }\n';

/** The machine's real readings, with the ones a test names replaced; systemd and supervisord present unless said. */
function inputs(dir: string, over: Partial<DoctorInputs> = {}): DoctorInputs {
  return { ...machineInputs(dir), which: (cmd) => `/usr/bin/${cmd}`, systemdRunning: () => true, ...over };
}

async function check(name: string, dir: string, over: Partial<DoctorInputs> = {}): Promise<CheckResult> {
  const found = (await runDoctor(inputs(dir, over))).find((c) => c.check === name);
  assert.ok(found, `a "${name}" check`);
  return found;
}

test('doctor passes every check on a sound project', async () => {
  const dir = makeProject({ 'pitfile.yaml': valid });
  const results = await runDoctor(inputs(dir));
  assert.deepEqual(results.filter((c) => c.status !== 'ok'), []);
  assert.deepEqual(results.map((c) => c.check), ['node', 'journal', 'pitfile', 'state dir', 'socket path', 'inotify', 'service', 'service PATH', 'process containment', 'package index']);
  assert.ok(!existsSync(join(dir, '.pit')), 'the state-dir check leaves no .pit/ behind');
});

test('doctor reports what validate reports: a missing cwd fails, a warning warns, each at its line:column', async () => {
  const missing = await check('pitfile', makeProject({ 'pitfile.yaml': 'version: 1\nprocesses:\n  api: { command: ["node"], cwd: services/api }\n' }));
  assert.equal(missing.status, 'fail');
  assert.match(missing.detail, /^pitfile\.yaml:3:\d+: processes\.api\.cwd the working directory services\/api does not exist/);
  const warned = await check('pitfile', makeProject({ 'pitfile.yaml': 'version: 1\nprocesses:\n  api: { command: "node app.js" }\nwatchers:\n  code: { paths: [src, "lib/**"] }\n' }));
  assert.equal(warned.status, 'warn');
  assert.match(warned.detail, /^pitfile\.yaml:5:19: warning: watchers\.code\.paths\[0\] "src" matches no file yet \[PIT_E_CONFIG_WATCH_MATCHES_NOTHING\] \(and 1 more\)$/);
});

test("doctor warns when a process's program resolves differently on a service manager's PATH, and only looks", async () => {
  const dir = makeProject({ 'pitfile.yaml': 'version: 1\nprocesses:\n  api: { command: "python app.py" }\n  web: { command: ["node", "web.js"] }\n  job: { command: "./job" }\n  pinned: { command: "python x.py", env: { PATH: "/opt/py/bin" } }\n' });
  const seen: (string | undefined)[] = [];
  // pyenv's shim here, the system's python there; node only here (nvm).
  const which = (cmd: string, path?: string) => {
    seen.push(path);
    if (cmd === 'python') return path ? '/usr/bin/python' : '/home/me/.pyenv/shims/python';
    if (cmd === 'node') return path ? null : '/home/me/.nvm/versions/node/v20/bin/node';
    return `/usr/bin/${cmd}`;
  };
  const c = await check('service PATH', dir, { which });
  assert.equal(c.status, 'warn');
  assert.equal(c.detail, 'api: python is /home/me/.pyenv/shims/python here, /usr/bin/python under a service manager; web: node is /home/me/.nvm/versions/node/v20/bin/node here, not found under a service manager');
  assert.ok(seen.includes('/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'), 'looked up with the service PATH');
  assert.match(c.fix!, /full path/);
  const same = await check('service PATH', makeProject({ 'pitfile.yaml': valid }));
  assert.equal(same.status, 'ok', 'the same program both ways');
});

test('doctor fails an old Node with the version it needs', async () => {
  const c = await check('node', makeProject({ 'pitfile.yaml': valid }), { nodeVersion: 'v18.19.0' });
  assert.equal(c.status, 'fail');
  assert.match(c.detail, /v18\.19\.0 \(Pit needs >=20\.17\)/);
});

test("doctor names the journal's SQLite, and fails a Node that has none with the command that builds one", async () => {
  const dir = makeProject({ 'pitfile.yaml': valid });
  const here = await check('journal', dir);
  assert.equal(here.status, 'ok');
  assert.match(here.detail, /^SQLite (built into Node v\d+|from better-sqlite3)/);
  const none = errors.PIT_E_JOURNAL_SQLITE('v20.20.2', 'npm rebuild better-sqlite3 --prefix /usr/lib/node_modules/pitengine', 'Could not locate the bindings file');
  const c = await check('journal', dir, { sqlite: () => ({ error: none }) });
  assert.equal(c.status, 'fail');
  assert.match(c.detail, /the journal is off: Node v20\.20\.2 offers no node:sqlite.*\[PIT_E_JOURNAL_SQLITE\]$/);
  assert.match(c.fix!, /npm rebuild better-sqlite3 --prefix \/usr\/lib\/node_modules\/pitengine/);
});

test('doctor fails an invalid pitfile with file:line:column, and skips what needs it', async () => {
  const dir = makeProject({ 'pitfile.yaml': 'version: 1\nprocesses:\n  api: { command: x, restart: { policy: sometimes } }\n' });
  const results = await runDoctor(inputs(dir));
  const pitfile = results.find((c) => c.check === 'pitfile')!;
  assert.equal(pitfile.status, 'fail');
  assert.match(pitfile.detail, /^pitfile\.yaml:3:\d+: processes\.api\.restart\.policy must be one of always, on-failure, never/);
  assert.match(pitfile.fix!, /engine validate/);
  assert.equal(results.find((c) => c.check === 'state dir')!.status, 'skip');
  const none = await check('pitfile', makeProject());
  assert.match(none.fix!, /engine init/);
});

test('doctor fails a state dir it cannot write', async () => {
  // Root ignores file modes, so the state dir is made a regular file instead.
  const dir = makeProject({ 'pitfile.yaml': `${valid}settings: { state_dir: blocked }\n`, blocked: 'a file, not a directory' });
  const c = await check('state dir', dir);
  assert.equal(c.status, 'fail');
  assert.match(c.detail, /cannot write in blocked: (EEXIST|ENOTDIR)/);
});

test('doctor warns when the socket path is too long and says where the engine listens instead', async () => {
  const dir = makeProject({ 'pitfile.yaml': valid });
  const deep = join(dir, 'a'.repeat(60), 'b'.repeat(60));
  mkdirSync(deep, { recursive: true });
  const c = await check('socket path', dir, { config: join(dir, 'pitfile.yaml'), env: { ...process.env, XDG_RUNTIME_DIR: '/run/user/4242' } });
  assert.equal(c.status, 'ok');
  const far = makeProject({ [join('a'.repeat(60), 'b'.repeat(60), 'pitfile.yaml')]: valid });
  const w = await check('socket path', join(far, 'a'.repeat(60), 'b'.repeat(60)), { env: { ...process.env, XDG_RUNTIME_DIR: '/run/user/4242' } });
  assert.equal(w.status, 'warn');
  assert.match(w.detail, /over the 107-byte limit .* listens on \/run\/user\/4242\/pit-[0-9a-f]{16}\.sock/);
});

test('doctor fails when the watchers need more inotify watches than the limit', async () => {
  const files: Record<string, string> = { 'pitfile.yaml': `${valid}watchers:\n  code: { paths: ["src/**/*.py"] }\n` };
  for (let i = 0; i < 12; i++) files[`src/pkg${i}/mod.py`] = '';
  const dir = makeProject(files);
  const fail = await check('inotify', dir, { maxUserWatches: () => 10 });
  assert.equal(fail.status, 'fail');
  assert.match(fail.detail, /^15 directory watches needed; the limit is 10$/); // root, src, 12 packages, the pitfile's dir
  assert.match(fail.fix!, /sysctl fs\.inotify\.max_user_watches=/);
  assert.equal((await check('inotify', dir, { maxUserWatches: () => 20 })).status, 'warn');
  assert.equal((await check('inotify', dir, { maxUserWatches: () => 8192 })).status, 'ok');
});

test('doctor fails an installer index that does not answer, and passes one that does', async () => {
  const closed = await freePort();
  const down = await check('package index', makeProject({ 'pitfile.yaml': `${valid}installer: { index_url: "http://127.0.0.1:${closed}/simple/" }\n` }));
  assert.equal(down.status, 'fail');
  assert.match(down.detail, new RegExp(`127\\.0\\.0\\.1:${closed}/simple/ is not reachable \\(ECONNREFUSED\\)`));

  const server = createServer((_, res) => res.end('<html><body><a href="/simple/pyyaml/">pyyaml</a></body></html>'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  try {
    const up = await check('package index', makeProject({ 'pitfile.yaml': `${valid}installer: { index_url: "http://127.0.0.1:${port}/simple/" }\n` }));
    assert.equal(up.status, 'ok');
    assert.match(up.detail, /answers 200/);
  } finally {
    server.close();
  }
});

test('doctor fails when neither systemd nor supervisord can run the engine as a service', async () => {
  const dir = makeProject({ 'pitfile.yaml': valid });
  const none = await check('service', dir, { which: () => null, systemdRunning: () => false });
  assert.equal(none.status, 'fail');
  assert.match(none.fix!, /--dry-run/);
  const container = await check('service', dir, { which: (c) => (c === 'systemctl' ? '/usr/bin/systemctl' : null), systemdRunning: () => false });
  assert.match(container.detail, /systemd is not running here/);
  assert.equal((await check('service', dir, { which: (c) => (c === 'supervisord' ? '/usr/bin/supervisord' : null), systemdRunning: () => false })).status, 'ok');
});

test('engine doctor prints one line per check, --json the same checks, exit 1 on a failure', () => {
  const bad = makeProject({ 'pitfile.yaml': 'version: 1\nprocesses: { api: { comand: x } }\n' });
  const text = runEngine(['doctor'], bad);
  assert.equal(text.status, 1);
  assert.match(text.stdout, /^FAIL {2}pitfile +pitfile\.yaml:2:\d+: /m);
  assert.match(text.stdout, /^ok {4}node /m);
  assert.match(text.stdout, /\d+ checks? failed\n$/);
  const json = runEngine(['doctor', '--json'], bad);
  assert.equal(json.status, 1);
  const parsed = JSON.parse(json.stdout) as { ok: boolean; checks: CheckResult[] };
  assert.equal(parsed.ok, false);
  assert.deepEqual(Object.keys(parsed.checks.find((c) => c.check === 'pitfile')!).sort(), ['check', 'detail', 'fix', 'status']);
});

test('doctor --deep fails a Python process whose environment does not exist, and passes one that does', async () => {
  const dir = makeProject({ 'pitfile.yaml': 'version: 1\nprocesses:\n  app: { command: ".venv/bin/python app.py" }\n  plain: { command: "node x.js" }\n' });
  const deep = { deep: true };
  const skipped = await check('python', dir);
  assert.deepEqual([skipped.status, skipped.fix], ['skip', 'engine doctor --deep'], 'without --deep no interpreter runs');
  const missing = await check('python app', dir, deep);
  assert.equal(missing.status, 'fail');
  assert.match(missing.detail, /\.venv\/bin\/python does not run \(the command runs \.venv\/bin\/python\)/);
  assert.match(missing.fix!, /python3 -m venv \.venv/);
  assert.ok(!(await runDoctor(inputs(dir, deep))).some((c) => c.check === 'python plain'), 'only Python processes are checked');
  execFileSync('python3', ['-m', 'venv', join(dir, '.venv')], { stdio: 'ignore' });
  const found = await check('python app', dir, deep);
  assert.equal(found.status, 'ok', found.detail);
  assert.match(found.detail, /installs with pip$/);
});

test('doctor says how far a stop reaches here: a delegated cgroup, process groups + /proc tracking, or groups only without /proc', async () => {
  const dir = makeProject({ 'pitfile.yaml': valid });
  const here = await check('process containment', dir, { cgroup: () => ({ dir: null, why: 'PIT_CGROUP=delegated is not set' }) });
  assert.deepEqual(here, { check: 'process containment', status: 'ok', detail: 'process groups + /proc descendant tracking (not cgroup v2: PIT_CGROUP=delegated is not set)' });
  const service = await check('process containment', dir, { cgroup: () => ({ dir: '/sys/fs/cgroup/system.slice/pit-app.service' }) });
  assert.equal(service.detail, 'cgroup v2 delegated: each run in its own cgroup under /sys/fs/cgroup/system.slice/pit-app.service, ended with cgroup.kill');
  const noProc = await check('process containment', dir, { procReadable: () => false, cgroup: () => ({ dir: null, why: 'no cgroup v2 file system is mounted' }) });
  assert.equal(noProc.status, 'warn');
  assert.match(noProc.detail, /^process groups only: .*setsid\(\) outlives its stop/);
  assert.ok(noProc.fix);
});
