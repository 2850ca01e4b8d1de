import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { captureOutput } from '../../core/logs/capture.js';
import { LogFile, type StreamTag } from '../../core/logs/log-file.js';
import { linesOf } from '../../core/logs/line-splitter.js';
import { spawnProcess } from '../../core/process/spawn.js';
import type { PitError } from '../../core/errors.js';
import { fixture } from '../helpers/paths.js';
import { makeProject } from '../helpers/project.js';
import { cleanupGroups, exitOf } from '../helpers/child.js';
import { within } from '../helpers/wait.js';

const HEAD = 31; // "2026-11-24T15:01:02.123Z out | "
const noError = () => assert.fail('no error expected');

/** Run a fixture program with its output captured into <dir>/<name>.log. */
async function capture(program: string, args: string[], opts: { onLines?: (s: StreamTag, l: Buffer[]) => void } = {}) {
  const dir = makeProject();
  after(() => rmSync(dir, { recursive: true, force: true })); // tens of MB each
  const path = join(dir, 'p.log');
  const log = new LogFile(path, { maxBytes: 1 << 30, keep: 1, onError: noError });
  const child = spawnProcess({ command: [process.execPath, fixture('programs', program), ...args], cwd: dir, env: process.env });
  cleanupGroups(child.pid!);
  const { onLines } = opts;
  await within(captureOutput(child, { log, onChunk: onLines && ((s, split) => onLines(s, linesOf(split))) }), 60_000, `the output of ${program}`);
  log.close();
  return { path, lines: readFileSync(path, 'latin1').split('\n'), exit: await exitOf(child) };
}

test('100,000 lines from a fast writer all land in the log, in order, none split', async () => {
  const { lines } = await capture('fast-writer.mjs', ['100000', '100']);
  assert.equal(lines.pop(), '');
  assert.equal(lines.length, 100_000);
  lines.forEach((l, i) => {
    if (l.length !== HEAD + 99 || l.slice(25, HEAD) !== 'out | ' || Number(l.slice(HEAD, l.indexOf(' ', HEAD))) !== i) {
      assert.fail(`line ${i} is damaged: ${l.slice(0, 80)}`);
    }
  });
});

test('interleaved stdout and stderr are split separately: each stream complete and in order', async () => {
  const { lines } = await capture('fast-writer.mjs', ['50000', '100', 'both']);
  assert.equal(lines.pop(), '');
  for (const tag of ['out', 'err']) {
    const mine = lines.filter((l) => l.slice(25, 31) === `${tag} | `);
    assert.equal(mine.length, 50_000, tag);
    mine.forEach((l, i) => {
      if (l.length !== HEAD + 99 || Number(l.slice(HEAD, l.indexOf(' ', HEAD))) !== i) assert.fail(`${tag} line ${i} is damaged: ${l.slice(0, 80)}`);
    });
  }
});

test('a 200 KiB line is cut into 64 KiB pieces marked "+", and the next line is whole', async () => {
  const { lines } = await capture('long-line.mjs', [String(200 * 1024)]);
  assert.deepEqual(lines.map((l) => [l.slice(25, 31), l.length - HEAD]), [
    ['out+| ', 64 * 1024],
    ['out+| ', 64 * 1024],
    ['out+| ', 64 * 1024],
    ['out | ', 8 * 1024],
    ['out | ', 5],
    ['', -HEAD],
  ]);
  assert.equal(lines.slice(0, 4).map((l) => l.slice(HEAD)).join(''), Buffer.alloc(200 * 1024, '0123456789').toString());
  assert.equal(lines[4].slice(HEAD), 'after');
});

test('a partial last line is written when the stream ends', async () => {
  const { lines } = await capture('long-line.mjs', ['10', 'unterminated']);
  assert.deepEqual(lines.map((l) => l.slice(25)), ['out | 0123456789', '']);
});

test('binary output passes through byte for byte without crashing', async () => {
  const { path, exit } = await capture('binary-writer.mjs', ['100']);
  assert.equal(exit.code, 0);
  const all = Buffer.alloc(256);
  for (let b = 0; b < 256; b++) all[b] = b;
  const sent = Buffer.concat([...Array(100).fill(all), Buffer.from('\ndone\n')]);
  // Remove the 31-byte stamp that starts every line; what remains is what was sent.
  const log = readFileSync(path);
  const parts: Buffer[] = [];
  for (let at = 0; at < log.length; ) {
    const nl = log.indexOf(0x0a, at + HEAD);
    parts.push(log.subarray(at + HEAD, nl + 1));
    at = nl + 1;
  }
  assert.deepEqual(Buffer.concat(parts), sent);
});

test('onChunk gets each chunk\'s complete lines, per stream, valid during the call (a copy keeps them)', async () => {
  const got: Record<string, Buffer[]> = { out: [], err: [] };
  await capture('fast-writer.mjs', ['20000', '50', 'both'], { onLines: (stream, lines) => got[stream].push(...lines.map((l) => Buffer.from(l))) });
  for (const stream of ['out', 'err']) {
    assert.equal(got[stream].length, 20_000);
    got[stream].forEach((l, i) => {
      if (l.length !== 50 || l[49] !== 0x0a || Number(l.toString('latin1', 0, l.indexOf(0x20))) !== i) assert.fail(`${stream} line ${i}: ${l}`);
    });
  }
});

test('reading 100 MB of one unterminated line makes no Buffer per read: the ArrayBuffers in use stay under 8 MiB', async () => {
  // A Buffer per 64 KiB read (and per copy) lives until V8 collects
  // garbage, and this makes little garbage: they reached ~30 MiB here.
  let most = 0;
  let pieces = 0;
  const { exit } = await capture('long-line.mjs', [String(100_000_000), 'unterminated'], {
    onLines: (_, lines) => {
      pieces += lines.length;
      most = Math.max(most, process.memoryUsage().arrayBuffers);
    },
  });
  assert.equal(exit.code, 0);
  assert.equal(pieces, Math.ceil(100_000_000 / (64 * 1024)), 'every piece reached onChunk');
  assert.ok(most < 8 * 1024 * 1024, `${(most / 1024 / 1024).toFixed(1)} MiB of ArrayBuffers in use`);
});

test('output the child printed before the capture began is not lost, and comes first', async () => {
  const dir = makeProject();
  const log = new LogFile(join(dir, 'p.log'), { maxBytes: 1 << 30, keep: 1, onError: noError });
  const child = spawnProcess({ command: [process.execPath, '-e', 'console.log("early"); setTimeout(() => console.log("late"), 300)'], cwd: dir, env: process.env });
  cleanupGroups(child.pid!);
  // The socket child_process made has read "early" into its own buffer by now.
  await once(child.stdout!, 'readable');
  await within(captureOutput(child, { log }), 20_000, 'the child to finish');
  log.close();
  assert.deepEqual(readFileSync(join(dir, 'p.log'), 'latin1').split('\n').map((l) => l.slice(25)), ['out | early', 'out | late', '']);
});

test('an unwritable log folder is reported once and the child keeps running', async () => {
  const dir = makeProject({ logs: 'a file where the folder should be' });
  const reported: PitError[] = [];
  const log = new LogFile(join(dir, 'logs', 'p.log'), { maxBytes: 1 << 30, keep: 1, onError: (e) => reported.push(e) });
  const child = spawnProcess({ command: [process.execPath, '-e', 'let n = 0; const t = setInterval(() => { console.log("tick " + n++); console.error("warn"); if (n === 50) clearInterval(t); }, 2)'], cwd: dir, env: process.env });
  cleanupGroups(child.pid!);
  let lines = 0;
  await within(captureOutput(child, { log, onChunk: (_, split) => (lines += split.count) }), 20_000, 'the child to finish');
  assert.deepEqual(await exitOf(child), { code: 0, signal: null }, 'the child ran to its end');
  assert.equal(lines, 100, 'every line still reached onChunk');
  assert.deepEqual(reported.map((e) => e.code), ['PIT_E_LOG_WRITE']);
});
