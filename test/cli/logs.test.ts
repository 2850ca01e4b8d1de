// engine logs with no engine running: it reads (and follows) the log files
// a real engine wrote in .pit/logs/, as engine events reads the journal.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeProject } from '../helpers/project.js';
import { runEngine, node, engineArgs } from '../helpers/cli.js';
import { runEngineProcess } from '../helpers/engine-process.js';
import { until, within } from '../helpers/wait.js';

const talker = `["node", "-e", "let n = 0; setInterval(() => { console.log('line ' + n); console.error('oops ' + n++); }, 20)"]`;
const pitfile = `version: 1\nprocesses:\n  talk: { command: ${talker}, logs: { max_size: 2KB, keep: 5 } }\n  quiet: { command: ["node", "-e", "console.log('hello'); setInterval(() => {}, 1000)"] }\n`;

/** A project whose engine ran until talk printed line `upTo`, then stopped. */
async function ranAndStopped(upTo: number): Promise<string> {
  const dir = makeProject({ 'pitfile.yaml': pitfile });
  const engine = runEngineProcess(dir);
  await engine.waitFor(/listening on/);
  await engine.waitFor(new RegExp(`talk\\s+\\| line ${upTo}\n`));
  engine.child.kill('SIGTERM');
  await within(engine.exited, 15_000, 'the engine to stop');
  return dir;
}

/** The last `n` lines talk logged, as written: [stamp, stream, text]; across a rotation, when it came just before the end. */
function fileTail(dir: string, n: number): [string, string, string][] {
  const file = join(dir, '.pit', 'logs', 'talk.log');
  const text = [`${file}.1`, file].filter((f) => existsSync(f)).map((f) => readFileSync(f, 'utf8')).join('');
  const lines = text.trimEnd().split('\n').slice(-n);
  return lines.map((l) => /^(\S+) (out|err) \| (.*)$/.exec(l)!.slice(1) as [string, string, string]);
}

test('with no engine, logs reads the files a stopped engine wrote, says so, and honours names, -n, --stderr and --timestamps', async () => {
  const dir = await ranAndStopped(10);
  assert.equal(runEngine(['status'], dir).status, 3, 'no engine runs');

  const last = runEngine(['logs', 'talk', '-n', '4'], dir);
  assert.equal(last.status, 0, last.stderr);
  assert.equal(last.stderr, 'no engine is running: reading the log files in .pit/logs\n');
  assert.deepEqual(last.stdout.trimEnd().split('\n'), fileTail(dir, 4).map(([, s, t]) => `talk ${s === 'out' ? '|' : '!'} ${t}`));

  // quiet printed once, at the start: enough lines to reach back to it.
  const all = runEngine(['logs', '-n', '100000'], dir);
  assert.equal(all.status, 0, all.stderr);
  assert.match(all.stdout, /^quiet \| hello$/m, 'every process that logged');
  assert.match(all.stdout, /^talk  \| line \d+$/m, 'prefixes as wide as the longest name, as engine run prints them');

  const errOnly = runEngine(['logs', 'talk', '--stderr', '-n', '5'], dir);
  const errLines = errOnly.stdout.trimEnd().split('\n');
  assert.equal(errLines.length, 5, 'five stderr lines, not five lines of which some are stderr');
  assert.ok(errLines.every((l) => /^talk ! oops \d+$/.test(l)), errOnly.stdout);

  // The file's UTC stamp, shown in local time (here UTC+05:30).
  const stamped = runEngine(['logs', 'talk', '-n', '3', '--timestamps'], dir, { ...process.env, TZ: 'Asia/Kolkata' });
  const local = (iso: string) => new Date(Date.parse(iso) + 5.5 * 3_600_000).toISOString().replace('T', ' ').slice(0, 23);
  assert.deepEqual(stamped.stdout.trimEnd().split('\n'), fileTail(dir, 3).map(([at, s, t]) => `talk ${s === 'out' ? '|' : '!'} ${local(at)} ${t}`), 'the stamp each line has in the file');
  assert.doesNotMatch(last.stdout, /\d{4}-\d\d-\d\dT/, 'no stamps unless asked');

  const unknown = runEngine(['logs', 'nope'], dir);
  assert.equal(unknown.status, 1);
  assert.match(unknown.stderr, /no log of a process named "nope" in \.pit\/logs \[PIT_E_LOG_NONE\]\n  fix: name one of: quiet, talk/);
});

test('with no engine, logs -f follows the files, across rotation, and picks up an engine that starts later', async () => {
  const dir = await ranAndStopped(3);
  const follower = spawn(node, [...engineArgs, 'logs', '-f', 'talk', '-n', '0'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  after(() => follower.kill('SIGKILL'));
  let out = '';
  let err = '';
  follower.stdout.on('data', (d) => (out += d));
  follower.stderr.on('data', (d) => (err += d));
  await until(() => err.includes('following them') || null, 10_000, 'logs -f to say it follows the files');
  assert.equal(err, 'no engine is running: reading the log files in .pit/logs and following them (Ctrl-C to stop)\n');
  assert.equal(out, '', '-n 0: nothing old');
  // A new engine writes the same files; talk's 2 KB logs rotate every ~40 lines.
  const engine = runEngineProcess(dir);
  const numbers = await until(() => {
    const seen = [...out.matchAll(/^talk \| line (\d+)$/gm)].map((m) => Number(m[1]));
    return seen.includes(150) ? seen : null;
  }, 20_000, 'the follower to print line 150 of the new run');
  assert.deepEqual(numbers.slice(0, numbers.indexOf(150) + 1), [...Array(151).keys()], 'every line in order, none lost or doubled at a rotation');
  assert.match(readFileSync(join(dir, '.pit', 'logs', 'talk.log.1'), 'utf8'), /line \d+/, 'the log did rotate meanwhile');
  engine.child.kill('SIGTERM');
  await within(engine.exited, 15_000, 'the engine to stop');
  follower.kill('SIGINT');
  const code = await new Promise((resolve) => follower.once('exit', (c) => resolve(c)));
  assert.equal(code, 0, 'Ctrl-C ends it cleanly');
});

test('with an engine, logs --stderr counts only stderr lines and --timestamps stamps each, now and when following', async () => {
  const dir = makeProject({ 'pitfile.yaml': pitfile });
  const engine = runEngineProcess(dir);
  await engine.waitFor(/talk\s+\| line 10\n/);
  const errOnly = runEngine(['logs', 'talk', '--stderr', '-n', '5', '-t'], dir);
  assert.equal(errOnly.status, 0, errOnly.stderr);
  assert.equal(errOnly.stderr, '', 'the engine answered: no note about files');
  const lines = errOnly.stdout.trimEnd().split('\n');
  assert.equal(lines.length, 5);
  assert.ok(lines.every((l) => /^talk ! \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} oops \d+$/.test(l)), errOnly.stdout);
  const follower = spawn(node, [...engineArgs, 'logs', '-f', 'talk', '--stderr', '-n', '0'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  after(() => follower.kill('SIGKILL'));
  let out = '';
  follower.stdout.on('data', (d) => (out += d));
  await until(() => (out.match(/oops/g) ?? []).length >= 5 || null, 10_000, 'five followed stderr lines');
  assert.doesNotMatch(out, /line \d/, 'no stdout line when following --stderr');
});
