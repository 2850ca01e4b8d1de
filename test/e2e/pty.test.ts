// engine run in a real terminal (see test/helpers/pty.ts): the start-up view
// ends and output flows; Ctrl-C (typed at the terminal, not a kill from the
// test), `engine shutdown` and a closed terminal each stop every process and
// leave no socket, lock or pid record behind, and the terminal sane.
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { makeProject } from '../helpers/project.js';
import { runEngineInPty, killLeftovers, type PtyEngine } from '../helpers/pty.js';
import { node, runEngineAsync } from '../helpers/cli.js';
import { until, within } from '../helpers/wait.js';
import { isAlive, pidsWithArgv } from '../helpers/proc.js';

const markers: string[] = [];
// Last of all, once every engine was stopped: what a failed test left behind goes too.
after(() => markers.forEach(killLeftovers));

/** A project whose processes all carry a fresh marker in their argv, to find any of them left alive. */
function project(processes: (marker: string) => string): { dir: string; marker: string } {
  const marker = `pit-pty-${randomUUID()}`;
  markers.push(marker);
  return { dir: makeProject({ 'pitfile.yaml': `version: 1\nprocesses:\n${processes(marker)}` }), marker };
}

/** python3 running `code`, with `marker` as its argument. */
const python = (code: string, marker: string) => JSON.stringify(['python3', '-u', '-c', code, marker]);
/**
 * Prints "tick" every 0.3 s, and outlives a dead engine (a write error to its
 * closed pipe is ignored), as a server that seldom prints would: an orphan
 * must be found by the checks, not die of SIGPIPE first.
 */
const TICK = "import time\nwhile True:\n  try: print('tick')\n  except OSError: pass\n  time.sleep(0.3)";
const ticker = (m: string) => python(TICK, m);
/** Ignores SIGTERM: only a SIGKILL ends it. */
const stubborn = (m: string) => python(`import signal\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\n${TICK}`, m);
/** Marks itself ready (for an exec health check) after a moment, then ticks. */
const readyTicker = (m: string) => python(`import pathlib, time\ntime.sleep(0.3)\npathlib.Path('ready').touch()\n${TICK}`, m);
const slowJob = (m: string) => python("import time\nprint('migrating')\ntime.sleep(2)\nprint('migrated')", m);

/** The engine ended everything it started and removed its socket, lock and pid records. */
function assertNothingLeft(dir: string, marker: string): void {
  // The engine has exited, and it reaps each child before it calls it stopped:
  // what is alive now was left behind.
  assert.deepEqual(pidsWithArgv(marker), [], 'processes of the project still alive after the engine exited');
  const pit = join(dir, '.pit');
  assert.equal(existsSync(join(pit, 'engine.sock')), false, '.pit/engine.sock left behind');
  assert.equal(existsSync(join(pit, 'engine.lock')), false, '.pit/engine.lock left behind');
  const records = existsSync(join(pit, 'pids')) ? readdirSync(join(pit, 'pids')) : [];
  assert.deepEqual(records, [], 'pid records left behind');
}

/** The cursor is shown at the end, and the terminal is back in cooked mode with echo. */
function assertTerminalSane(run: PtyEngine): void {
  const raw = run.raw();
  const hidden = raw.lastIndexOf('\x1b[?25l');
  if (hidden >= 0) assert.ok(raw.lastIndexOf('\x1b[?25h') > hidden, 'the cursor was hidden and never shown again');
  const stty = run.sttyAfter();
  assert.match(stty, /(^|\s)icanon(\s|$)/, `terminal left out of canonical mode:\n${stty}`);
  assert.match(stty, /(^|\s)echo(\s|$)/, `terminal left without echo:\n${stty}`);
}

/** The engine's exit code, within a deadline (a hung engine fails the test, not the suite). */
const exitOf = (run: PtyEngine) => within(run.exited, 20_000, () => `the engine to exit; the terminal's end:\n${run.text().slice(-1500)}`);

/** The pid of the engine holding the project's lock. */
async function enginePid(dir: string): Promise<number> {
  const lock = join(dir, '.pit', 'engine.lock');
  return until(() => (existsSync(lock) ? (JSON.parse(readFileSync(lock, 'utf8')) as { pid: number }).pid : 0), 10_000, 'the engine lock');
}

/** The pid of an `engine run` whose working directory is `dir`, or 0. */
function engineProcessIn(dir: string): number {
  for (const entry of readdirSync('/proc')) {
    try {
      // Node itself: script(1) and its shell name main.js in their command lines too, and Ctrl-C before the shell's trap would end the shell.
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'latin1').split('\0');
      if (readlinkSync(`/proc/${entry}/cwd`) === dir && argv[0] === node && argv.some((a) => a.endsWith('main.js'))) return Number(entry);
    } catch {
      // not ours to read, or gone
    }
  }
  return 0;
}

describe('engine run in a terminal', { concurrency: true }, () => {
  test('the start-up view ends for a plain process, its output flows, and Ctrl-C mid-run stops it', async () => {
    const { dir, marker } = project((m) => `  ticker: { command: ${ticker(m)} }\n`);
    const run = runEngineInPty(dir);
    await run.waitFor(/ticker: running \(pid \d+\)/);
    await run.waitFor(/ticker\s+\| tick[\s\S]*ticker\s+\| tick/);
    run.press('\x03');
    assert.equal(await exitOf(run), 0);
    assert.match(run.text(), /all processes stopped/);
    assertNothingLeft(dir, marker);
    assertTerminalSane(run);
  });

  test('the start-up view ends once a health check passes, and engine shutdown from elsewhere stops it', async () => {
    const { dir, marker } = project((m) => `  web: { command: ${readyTicker(m)}, health: { exec: [test, -e, ready], interval: 1s } }\n`);
    const run = runEngineInPty(dir);
    await run.waitFor(/web: running and healthy \(pid \d+\)/);
    await run.waitFor(/web\s+\| tick/);
    await run.waitFor(/listening on/);
    const shutdown = await within(runEngineAsync(['shutdown'], dir), 15_000, 'engine shutdown to return');
    assert.equal(shutdown.status, 0, shutdown.stderr);
    assert.equal(await exitOf(run), 0);
    assertNothingLeft(dir, marker);
    assertTerminalSane(run);
  });

  test('the start-up view waits for a slow one-shot, its dependent shown waiting for it until it runs, and its output flows', async () => {
    const { dir, marker } = project(
      (m) => `  migrate: { command: ${slowJob(m)}, restart: { policy: never } }\n  worker: { command: ${ticker(m)}, depends_on: { migrate: completed } }\n`,
    );
    const run = runEngineInPty(dir);
    await run.waitFor(/worker: waiting for migrate: completed/);
    await run.waitFor(/migrate: completed/);
    await run.waitFor(/worker: running \(pid \d+\)/);
    await run.waitFor(/migrate\s+\| migrated/);
    await run.waitFor(/worker\s+\| tick/);
    run.press('\x03');
    assert.equal(await exitOf(run), 0);
    assertNothingLeft(dir, marker);
    assertTerminalSane(run);
  });

  test('the start-up view ends when a one-shot fails, marking its dependent as not started', async () => {
    const { dir, marker } = project(
      (m) => `  migrate: { command: ${python('import sys\nsys.exit(3)', m)}, restart: { policy: never } }\n  worker: { command: ${ticker(m)}, depends_on: { migrate: completed } }\n  idle: { command: ${ticker(m)} }\n`,
    );
    const run = runEngineInPty(dir);
    await run.waitFor(/migrate: exited with code 3/);
    await run.waitFor(/worker: not started: migrate exited with code 3/);
    await run.waitFor(/idle\s+\| tick/);
    run.press('\x03');
    assert.equal(await exitOf(run), 0);
    assert.doesNotMatch(run.text(), /worker\s+\| tick/, 'the dependent of a failed one-shot started');
    assertNothingLeft(dir, marker);
    assertTerminalSane(run);
  });

  test('Ctrl-C while a health check is pending stops everything and exits 0, not 127', async () => {
    const { dir, marker } = project(
      (m) => `  web: { command: ${ticker(m)}, health: { exec: [test, -e, never-there], start_period: 60s } }\n  idle: { command: ${ticker(m)} }\n`,
    );
    const run = runEngineInPty(dir);
    await until(() => pidsWithArgv(marker).length === 2, 10_000, 'both processes to run');
    await run.viewDrawn();
    run.press('\x03');
    assert.equal(await exitOf(run), 0);
    assert.match(run.text(), /SIGINT: stopping/);
    assertNothingLeft(dir, marker);
    assertTerminalSane(run);
  });

  test('Ctrl-C while a one-shot runs and its dependent waits stops everything and starts nothing more', async () => {
    const { dir, marker } = project(
      (m) => `  migrate: { command: ${slowJob(m)}, restart: { policy: never } }\n  worker: { command: ${ticker(m)}, depends_on: { migrate: completed } }\n`,
    );
    const run = runEngineInPty(dir);
    await until(() => pidsWithArgv(marker).length === 1, 10_000, 'the one-shot to run');
    await run.viewDrawn();
    run.press('\x03');
    assert.equal(await exitOf(run), 0);
    assert.doesNotMatch(run.text(), /worker\s+\| tick/, 'the dependent started after Ctrl-C');
    assertNothingLeft(dir, marker);
    assertTerminalSane(run);
  });

  test('Ctrl-C twice during start-up kills at once, exits 1 and still cleans up', async () => {
    const { dir, marker } = project(
      (m) => `  s: { command: ${stubborn(m)}, stop: { timeout: 60s }, health: { exec: [test, -e, never-there], start_period: 60s } }\n`,
    );
    const run = runEngineInPty(dir);
    await until(() => pidsWithArgv(marker).length === 1, 10_000, 'the process to run');
    await run.viewDrawn();
    run.press('\x03');
    await run.waitFor(/stopping \(press Ctrl-C again/);
    const pressed = Date.now();
    run.press('\x03');
    assert.equal(await exitOf(run), 1);
    assert.ok(Date.now() - pressed < 10_000, 'waited for the 60s stop timeout instead of killing');
    assert.match(run.text(), /killing every process now/);
    assertNothingLeft(dir, marker);
    assertTerminalSane(run);
  });

  test('Ctrl-C the moment the engine starts, before the pitfile is even loaded, leaves nothing behind', async () => {
    const { dir, marker } = project((m) => `  ticker: { command: ${ticker(m)} }\n`);
    const run = runEngineInPty(dir);
    // Pressed as soon as the engine's process exists: whatever it was doing then, nothing may survive it.
    await until(() => engineProcessIn(dir), 10_000, 'the engine process');
    run.press('\x03');
    const code = await exitOf(run);
    assert.ok(code === 130 || code === 0, `exit code ${code}: 130 before the engine started, 0 after`);
    assertNothingLeft(dir, marker);
    assertTerminalSane(run);
  });

  test('engine shutdown during the start-up view ends the view and the engine', async () => {
    const { dir, marker } = project((m) => `  web: { command: ${ticker(m)}, health: { exec: [test, -e, never-there], start_period: 60s } }\n`);
    const run = runEngineInPty(dir);
    await run.viewDrawn();
    // The API opens while the view draws (its "listening on" shows after the view).
    await until(() => existsSync(join(dir, '.pit', 'engine.sock')), 15_000, 'the control socket');
    const shutdown = await within(runEngineAsync(['shutdown'], dir), 15_000, 'engine shutdown to return');
    assert.equal(shutdown.status, 0, shutdown.stderr);
    assert.equal(await exitOf(run), 0);
    assertNothingLeft(dir, marker);
    assertTerminalSane(run);
  });

  test('closing the terminal (SIGHUP) stops every process instead of leaving them running', async () => {
    const { dir, marker } = project((m) => `  ticker: { command: ${ticker(m)} }\n`);
    const run = runEngineInPty(dir);
    await run.waitFor(/ticker\s+\| tick/);
    const pid = await enginePid(dir);
    after(() => void (isAlive(pid) && process.kill(pid, 'SIGTERM')));
    run.script.kill('SIGKILL');
    await until(() => !isAlive(pid), 10_000, `engine ${pid} to exit after its terminal closed`);
    assertNothingLeft(dir, marker);
  });
});
