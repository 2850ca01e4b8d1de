// The engine's memory does not depend on what its children print or how
// fast its terminal reads (issue 18, point 1). Each test runs `engine run` as
// a real process with a real Python child flooding it, reads the engine's
// peak RSS (VmHWM) before and after, and checks the log file got every byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, createReadStream, existsSync, openSync, readFileSync, readSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after } from 'node:test';
import { node, engineArgs } from '../helpers/cli.js';
import { makeProject } from '../helpers/project.js';
import { until } from '../helpers/wait.js';
import { runEngineInPty } from '../helpers/pty.js';

const MiB = 1024 * 1024;
const MAX_GROWTH = 64 * MiB;

/** kB figures of /proc/<pid>/status. */
function memory(pid: number): { hwm: number; rss: number } {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)![1]) * 1024;
  return { hwm: kb('VmHWM'), rss: kb('VmRSS') };
}

/** A Python child that waits for the file "go", then runs `flood`, then sleeps. */
const python = (flood: string) =>
  JSON.stringify(['python3', '-c', `import os, sys, time\nwhile not os.path.exists('go'): time.sleep(0.02)\n${flood}\nopen('done', 'w').close()\ntime.sleep(3600)`]);

interface Engine {
  child: ChildProcess;
  dir: string;
  /** The engine's own notes ("pit | ..." lines) read so far. */
  notes(): string;
}

/** `engine run` on a pitfile with one process "flood"; its stdout is read (and dropped) unless `stalled`. */
function startEngine(command: string, stalled: boolean): Engine {
  const dir = makeProject({ 'pitfile.yaml': `version: 1\nprocesses:\n  flood: { command: ${command}, logs: { max_size: 4GB } }\n` });
  const child = spawn(node, [...engineArgs, 'run'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: '1' } });
  let notes = '';
  let partial = '';
  const read = (d: Buffer) => {
    // Only the engine's notes are kept: the flood itself would cost this process the memory.
    const text = partial + d.toString('latin1');
    const lines = text.split('\n');
    partial = lines.pop()!.slice(-200);
    for (const l of lines) if (l.startsWith('pit ')) notes += `${l}\n`;
  };
  if (stalled) child.stdout!.pause();
  else child.stdout!.on('data', read);
  child.stderr!.on('data', read);
  const exited = new Promise((r) => child.once('exit', r));
  after(async () => {
    child.stdout!.on('data', () => {});
    child.stdout!.resume();
    child.kill('SIGTERM');
    const hung = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(hung);
  });
  return { child, dir, notes: () => notes + partial };
}

/** Start the flood once the engine is idle (its control socket open); returns its idle peak. */
async function flood(e: Engine): Promise<number> {
  await until(() => existsSync(join(e.dir, '.pit', 'engine.sock')), 30_000, 'the engine to open its control socket');
  // The plugins' first events are handed over; what is left is the idle engine.
  await new Promise((r) => setTimeout(r, 500));
  const idle = memory(e.child.pid!).hwm;
  writeFileSync(join(e.dir, 'go'), '');
  await until(() => existsSync(join(e.dir, 'done')), 120_000, 'the child to finish its flood');
  return idle;
}

const logFile = (e: Engine) => join(e.dir, '.pit', 'logs', 'flood.log');

async function countLines(path: string, re: RegExp): Promise<number> {
  let n = 0;
  let partial = '';
  for await (const chunk of createReadStream(path, { encoding: 'latin1' })) {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop()!;
    for (const l of lines) if (re.test(l)) n++;
  }
  return n;
}

test('a child writing one 200 MB line to stderr without a newline: the engine grows less than 64 MiB, and the log has every byte', { timeout: 180_000 }, async (t) => {
  const e = startEngine(python(`sys.stderr.write('x' * 200_000_000); sys.stderr.flush(); os.close(2)`), false);
  const idle = await flood(e);
  // Its stderr closed after the line, so the engine has written the last piece too.
  await until(() => statSync(logFile(e)).size >= 200_000_000 && readLast(logFile(e)).endsWith('x\n'), 60_000, 'the log file to hold the 200 MB line');
  // The pieces have reached the plugins' queues and the terminal; give the workers a moment to drain.
  await new Promise((r) => setTimeout(r, 1000));
  const peak = memory(e.child.pid!).hwm;
  t.diagnostic(`engine peak RSS ${(peak / MiB).toFixed(0)} MiB, idle ${(idle / MiB).toFixed(0)} MiB: +${((peak - idle) / MiB).toFixed(0)} MiB`);
  assert.ok(peak - idle < MAX_GROWTH, `engine peak RSS grew by ${((peak - idle) / MiB).toFixed(0)} MiB (idle ${(idle / MiB).toFixed(0)} MiB)`);
  // The log has each byte: 200,000,000 x in pieces, each piece a line of its own.
  const xs = await countBytes(logFile(e), 0x78);
  assert.ok(xs >= 200_000_000, `log holds ${xs} x bytes`);
});

test('a child writing 2,000,000 short lines to stderr: the engine grows less than 64 MiB, and the log has every line', { timeout: 180_000 }, async (t) => {
  const e = startEngine(python(`w = sys.stderr.write\nfor i in range(2_000_000): w('line %d\\n' % i)\nsys.stderr.flush()`), false);
  const idle = await flood(e);
  await until(() => readLast(logFile(e)).includes('line 1999999'), 60_000, 'the last line in the log file');
  await new Promise((r) => setTimeout(r, 1000));
  const peak = memory(e.child.pid!).hwm;
  t.diagnostic(`engine peak RSS ${(peak / MiB).toFixed(0)} MiB, idle ${(idle / MiB).toFixed(0)} MiB: +${((peak - idle) / MiB).toFixed(0)} MiB`);
  assert.ok(peak - idle < MAX_GROWTH, `engine peak RSS grew by ${((peak - idle) / MiB).toFixed(0)} MiB (idle ${(idle / MiB).toFixed(0)} MiB)`);
  assert.equal(await countLines(logFile(e), / err \| line \d+$/), 2_000_000);
});

test('a terminal that does not read: the child is not slowed, the engine grows less than 64 MiB, the log has every line, and the gap is said once', { timeout: 180_000 }, async (t) => {
  const e = startEngine(python(`w = sys.stdout.write\nfor i in range(2_000_000): w('line %d of the flood to a stalled terminal\\n' % i)\nsys.stdout.flush()`), true);
  const idle = await flood(e);
  // "done" exists: the child wrote everything while nobody read the engine's stdout.
  await until(() => readLast(logFile(e)).includes('line 1999999 '), 60_000, 'the last line in the log file');
  const peak = memory(e.child.pid!).hwm;
  t.diagnostic(`engine peak RSS ${(peak / MiB).toFixed(0)} MiB, idle ${(idle / MiB).toFixed(0)} MiB: +${((peak - idle) / MiB).toFixed(0)} MiB`);
  assert.ok(peak - idle < MAX_GROWTH, `engine peak RSS grew by ${((peak - idle) / MiB).toFixed(0)} MiB (idle ${(idle / MiB).toFixed(0)} MiB)`);
  assert.equal(await countLines(logFile(e), / out \| line \d+ of the flood/), 2_000_000);
  // Read again: what could not be shown is summarised with where it is, once.
  let notes = '';
  let partial = '';
  e.child.stdout!.on('data', (d: Buffer) => {
    const lines = (partial + d.toString('latin1')).split('\n');
    partial = lines.pop()!.slice(-200);
    for (const l of lines) if (l.startsWith('pit ')) notes += `${l}\n`;
  });
  e.child.stdout!.resume();
  await until(() => /flood: [\d.]+ [KMG]?B of output not shown on the terminal; it is in \.pit\/logs\/flood\.log/.test(notes), 30_000, `the note of what was not shown; got:\n${notes}`);
  assert.equal(notes.match(/not shown on the terminal/g)!.length, 1, notes);
});

function readLast(path: string): string {
  if (!existsSync(path)) return '';
  const size = statSync(path).size;
  const fd = openSync(path, 'r');
  const buf = Buffer.alloc(Math.min(size, 4096));
  readSync(fd, buf, 0, buf.length, size - buf.length);
  closeSync(fd);
  return buf.toString('latin1');
}

async function countBytes(path: string, byte: number): Promise<number> {
  let n = 0;
  for await (const chunk of createReadStream(path)) {
    const b = chunk as Buffer;
    for (let i = 0; i < b.length; i++) if (b[i] === byte) n++;
  }
  return n;
}

test('a terminal stopped with Ctrl-S: the child is not slowed, the engine grows less than 64 MiB, the log has every line, and Ctrl-Q shows what was missed', { timeout: 180_000 }, async (t) => {
  const flood = `open('engine.pid', 'w').write(str(os.getppid()))\nwhile not os.path.exists('go'): time.sleep(0.02)\nw = sys.stdout.write\nfor i in range(500_000): w('line %d of the flood to a stopped terminal\\n' % i)\nsys.stdout.flush()\nopen('done', 'w').close()\ntime.sleep(3600)`;
  const command = JSON.stringify(['python3', '-c', `import os, sys, time\n${flood}`]);
  const dir = makeProject({ 'pitfile.yaml': `version: 1\nprocesses:\n  flood: { command: ${command}, logs: { max_size: 4GB } }\n` });
  const pty = runEngineInPty(dir);
  await pty.waitFor(/listening on/, 30_000);
  const pid = Number(await until(() => existsSync(join(dir, 'engine.pid')) && readFileSync(join(dir, 'engine.pid'), 'utf8'), 10_000, 'the engine pid'));
  await new Promise((r) => setTimeout(r, 500));
  const idle = memory(pid).hwm;
  pty.press('\x13'); // Ctrl-S: the terminal stops taking output
  await new Promise((r) => setTimeout(r, 200)); // the line discipline acts on it as it reads it
  writeFileSync(join(dir, 'go'), '');
  await until(() => existsSync(join(dir, 'done')), 60_000, 'the child to finish its flood while the terminal is stopped');
  await until(() => readLast(join(dir, '.pit', 'logs', 'flood.log')).includes('line 499999 '), 30_000, 'the last line in the log file');
  const peak = memory(pid).hwm;
  t.diagnostic(`engine peak RSS ${(peak / MiB).toFixed(0)} MiB, idle ${(idle / MiB).toFixed(0)} MiB: +${((peak - idle) / MiB).toFixed(0)} MiB`);
  assert.ok(peak - idle < MAX_GROWTH, `engine peak RSS grew by ${((peak - idle) / MiB).toFixed(0)} MiB`);
  assert.equal(await countLines(join(dir, '.pit', 'logs', 'flood.log'), / out \| line \d+ of the flood/), 500_000);
  pty.press('\x11'); // Ctrl-Q
  await pty.waitFor(/flood: [\d.]+ [KMG]?B of output not shown on the terminal; it is in \.pit\/logs\/flood\.log/, 30_000);
});
