// The CLI's client verbs against a real running engine, as a user types them.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeProject } from '../helpers/project.js';
import { runEngine, node, engineArgs } from '../helpers/cli.js';
import { runEngineProcess } from '../helpers/engine-process.js';
import { until, within } from '../helpers/wait.js';
import { isAlive } from '../helpers/proc.js';
import { ENGINE_LOG_MAX_BYTES } from '../../core/cli/daemon.js';
import { ENGINE_NODE_FLAGS } from '../../core/cli/engine-command.js';

const talker = `["node", "-e", "let n = 0; setInterval(() => console.log('line ' + n++), 50)"]`;
const idle = `["node", "-e", "setInterval(() => {}, 1000)"]`;

/** A project with `processes` (YAML lines under "processes:") and a running engine. */
async function started(processes: string, extra = '') {
  const dir = makeProject({ 'pitfile.yaml': `version: 1\nprocesses:\n${processes}\n${extra}` });
  const engine = runEngineProcess(dir);
  await engine.waitFor(/listening on/);
  return { dir, engine, cli: (...args: string[]) => runEngine(args, dir) };
}

test('with no engine running, every client verb says so in one line and exits 3', () => {
  const dir = makeProject({ 'pitfile.yaml': `version: 1\nprocesses:\n  a: { command: ${idle} }\n` });
  for (const args of [['status'], ['restart', 'a'], ['stop', 'all'], ['start', 'a'], ['logs'], ['reload'], ['shutdown']]) {
    const r = runEngine(args, dir);
    assert.equal(r.status, 3, `engine ${args.join(' ')}`);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /no engine is running for this project.*engine run.* \[PIT_E_CONTROL_NO_ENGINE\]\n$/);
  }
});

test('status prints an aligned table, --json the API data; restart gives a new pid', async () => {
  const { cli } = await started(`  api: { command: ${idle} }\n  worker-long-name: { command: ${idle} }`);
  const table = cli('status');
  assert.equal(table.status, 0, table.stderr);
  const [header, ...rows] = table.stdout.trimEnd().split('\n');
  assert.match(header, /^NAME\s+STATE\s+PID\s+UPTIME\s+RESTARTS\s+CPU\s+MEM\s+HEALS\s+HEALTH$/);
  assert.equal(rows.length, 2);
  assert.equal(header.indexOf('STATE'), rows[1].indexOf('running'), 'columns are aligned');
  assert.doesNotMatch(table.stdout, /\x1b\[/, 'no colours when not a TTY');
  const before = JSON.parse(cli('status', '--json').stdout).processes.find((p: { name: string }) => p.name === 'api');
  const restarted = cli('restart', 'api');
  assert.equal(restarted.status, 0, restarted.stderr);
  const pid = Number(/api: running \(pid (\d+)\)/.exec(restarted.stdout)?.[1]);
  assert.ok(pid && pid !== before.pid, restarted.stdout);
  const unknown = cli('stop', 'nope');
  assert.equal(unknown.status, 1);
  assert.match(unknown.stderr, /no process named "nope".*\n.*use one of: api, worker-long-name/);
});

test('logs prints the last lines prefixed like engine run; -f follows new ones', async () => {
  const { dir, cli } = await started(`  talker: { command: ${talker} }\n  quiet: { command: ${idle} }`);
  await until(() => (cli('logs', 'talker', '-n', '3').stdout.match(/^talker \| line \d+$/gm) ?? []).length === 3, 10_000, 'three lines in the log');
  const since = cli('logs', '--since', '1h', '-n', '5');
  assert.equal(since.stdout.trimEnd().split('\n').length, 5);
  assert.equal(cli('logs', '-n', 'x').status, 2);
  const follow = spawn(node, [...engineArgs, 'logs', 'talker', '-f', '-n', '0'], { cwd: dir });
  let out = '';
  follow.stdout.on('data', (d) => (out += d));
  await until(() => /^talker \| line \d+$/m.test(out), 10_000, 'a followed line');
  follow.kill();
});

test('reload refuses an invalid pitfile with file:line:column and exit 1, and applies a fixed one', async () => {
  const { dir, cli } = await started(`  a: { command: ${idle} }`);
  const file = join(dir, 'pitfile.yaml');
  const good = readFileSync(file, 'utf8');
  writeFileSync(file, good.replace('{ command:', '{ restart: { policy: sometimes }, command:'));
  const refused = cli('reload');
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /pitfile\.yaml:3:\d+: processes\.a\.restart\.policy .*\[PIT_E_CONFIG_ENUM\]/);
  assert.match(refused.stderr, /not reloaded; the engine keeps its running config/);
  writeFileSync(file, good.replace('a: {', 'b: {'));
  // The engine's own watcher may have applied the save already; either way b replaces a.
  const applied = cli('reload');
  assert.equal(applied.status, 0, applied.stderr);
  assert.match(applied.stdout, /^reloaded(: \+b -a| \(no process changed\))$/m);
  assert.deepEqual(JSON.parse(cli('status', '--json').stdout).processes.map((p: { name: string }) => p.name), ['b']);
});

test('shutdown stops the engine and its processes, and waits for it', async () => {
  const { engine, cli } = await started(`  a: { command: ${idle} }`);
  const pid = JSON.parse(cli('status', '--json').stdout).processes[0].pid;
  const r = cli('shutdown');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /engine \(pid \d+\) stopped/);
  assert.equal(isAlive(engine.child.pid!), false, 'the engine had exited when shutdown returned');
  assert.equal(await engine.exited, 0);
  assert.equal(isAlive(pid), false);
});

test('health: OK, WARNING for backoff, CRITICAL for fatal and for no engine, UNKNOWN without a pitfile', async () => {
  const ok = await started(`  a: { command: ${idle} }`);
  const r = ok.cli('health');
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^OK - 1\/1 running, last heartbeat \ds ago$/m);
  // Socket gone while the engine still beats: the heartbeat file answers.
  const beatFile = join(ok.dir, '.pit', 'engine.heartbeat');
  await until(() => existsSync(beatFile) && readFileSync(beatFile, 'utf8').includes('"state":"running"'), 10_000, 'a beat with a running process');
  rmSync(join(ok.dir, '.pit', 'engine.sock'));
  const fromFile = ok.cli('health');
  assert.equal(fromFile.status, 0);
  assert.match(fromFile.stdout, /^OK - 1\/1 running, .*\(from the heartbeat file: the control socket does not answer\)$/m);

  const flappy = await started(`  a: { command: ${idle} }\n  crashy: { command: "exit 1", restart: { delay: 30s } }`);
  await until(() => flappy.cli('health').status === 1, 10_000, 'WARNING');
  assert.match(flappy.cli('health').stdout, /^WARNING - 1\/2 running.*crashy in backoff/);

  const doomed = await started(`  crashy: { command: "exit 1", restart: { delay: 0ms, max_restarts: 1 } }`);
  await until(() => doomed.cli('health').status === 2, 10_000, 'CRITICAL');
  assert.match(doomed.cli('health').stdout, /^CRITICAL - 0\/1 running.*crashy fatal/);

  const none = makeProject({ 'pitfile.yaml': `version: 1\nprocesses:\n  a: { command: ${idle} }\n` });
  assert.deepEqual([runEngine(['health'], none).status, runEngine(['health'], none).stdout.trim()], [2, 'CRITICAL - no engine running']);
  const nothing = makeProject({});
  const unknown = runEngine(['health'], nothing);
  assert.equal(unknown.status, 3);
  assert.match(unknown.stdout, /^UNKNOWN - no pitfile found/);
});

test('run --daemon returns once the engine is up, writes its pid, and shutdown stops it; engine.log holds the engine\'s lines and rotates', async () => {
  const big = Buffer.alloc(ENGINE_LOG_MAX_BYTES + 1, 'x');
  const dir = makeProject({ 'pitfile.yaml': `version: 1\nprocesses:\n  a: { command: ${talker} }\n`, '.pit/engine.log': big });
  const r = runEngine(['run', '--daemon'], dir);
  assert.equal(r.status, 0, r.stderr);
  const pid = Number(readFileSync(join(dir, '.pit', 'engine.pid'), 'utf8'));
  after(() => isAlive(pid) && process.kill(pid, 'SIGKILL'));
  assert.match(r.stdout, new RegExp(`engine running in the background \\(pid ${pid}\\)`));
  assert.equal(runEngine(['status'], dir).status, 0, 'the API answers as soon as --daemon returns');
  const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  assert.deepEqual(argv.slice(1, 1 + ENGINE_NODE_FLAGS.length), ENGINE_NODE_FLAGS, 'the daemon runs with the engine\'s V8 flags');
  const second = runEngine(['run', '--daemon'], dir);
  assert.equal(second.status, 1);
  assert.match(second.stderr, /did not start in the background: it exited .*\n[\s\S]*another engine \(pid \d+\) is running[\s\S]*\[PIT_E_DAEMON_START\]/);
  assert.equal(runEngine(['shutdown'], dir).status, 0);
  assert.equal(isAlive(pid), false);
  assert.equal(existsSync(join(dir, '.pit', 'engine.pid')), false);
  const log = readFileSync(join(dir, '.pit', 'engine.log'), 'utf8');
  assert.match(log, /all processes stopped/);
  assert.match(readFileSync(join(dir, '.pit', 'logs', 'a.log'), 'utf8'), /line 0/, 'the process logged to its own file');
  assert.doesNotMatch(log, /line \d/, "the process's output is not copied into engine.log");
  assert.equal(statSync(join(dir, '.pit', 'engine.log.1')).size, big.length, 'the large log was rotated at start');
});

test('a project too deep for a socket path gets a short one, and the verbs still find it', async () => {
  const root = makeProject({});
  const deep = join(root, 'a-rather-long-folder-name-'.repeat(4));
  mkdirSync(deep, { recursive: true });
  writeFileSync(join(deep, 'pitfile.yaml'), `version: 1\nprocesses:\n  a: { command: ${idle} }\n`);
  assert.ok(Buffer.byteLength(join(deep, '.pit', 'engine.sock')) > 107);
  const engine = runEngineProcess(deep);
  await engine.waitFor(/listening on/);
  const short = readFileSync(join(deep, '.pit', 'engine.sock.path'), 'utf8');
  assert.ok(Buffer.byteLength(short) <= 107);
  assert.equal(runEngine(['status'], deep).status, 0);
  engine.child.kill('SIGTERM');
  await within(engine.exited, 15_000, 'the engine to exit');
  assert.equal(existsSync(short), false, 'the socket is removed on exit');
});

test("the engine bin's #! line runs node with the engine's V8 flags", () => {
  const [first] = readFileSync(engineArgs.at(-1)!, 'utf8').split('\n', 1);
  assert.equal(first, `#!/usr/bin/env -S node ${ENGINE_NODE_FLAGS.join(' ')}`);
});
