import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LogFile } from '../../core/logs/log-file.js';
import { LineSplitter } from '../../core/logs/line-splitter.js';
import type { PitError } from '../../core/errors.js';
import { makeProject } from '../helpers/project.js';
import { until } from '../helpers/wait.js';
import { fillDisk, freeDisk, mountTmpfs } from '../helpers/tmpfs.js';

const split = (s: string | Buffer) => new LineSplitter().push(Buffer.from(s));
const stamp = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z /;
const noError = () => assert.fail('no error expected');
const logLines = (file: string) => readFileSync(file, 'latin1').split('\n').slice(0, -1);

test('each line is stamped with the time and its stream; cut pieces are tagged "+"', () => {
  const dir = makeProject();
  const log = new LogFile(join(dir, 'a.log'), { maxBytes: 1 << 20, keep: 1, onError: noError });
  log.write('out', split('hello\nworld\n'));
  log.write('err', split('boom\n'));
  const s = new LineSplitter();
  log.write('out', s.push(Buffer.concat([Buffer.alloc(70 * 1024, 'p'), Buffer.from('\n')])));
  log.write('out', s.push(Buffer.alloc(10, 'q')));
  log.write('out', s.end());
  log.close();
  const lines = logLines(join(dir, 'a.log'));
  assert.ok(lines.every((l) => stamp.test(l)));
  assert.deepEqual(lines.map((l) => l.replace(stamp, '').slice(0, 10)), ['out | hell', 'out | worl', 'err | boom', 'out+| pppp', 'out | pppp', 'out | qqqq']);
  assert.equal(lines[3].length, 31 + 64 * 1024);
  assert.equal(lines[4].length, 31 + 6 * 1024);
});

test('the lines of one chunk share one timestamp', () => {
  const dir = makeProject();
  const log = new LogFile(join(dir, 'a.log'), { maxBytes: 1 << 20, keep: 1, onError: noError });
  log.write('out', split('a\nb\nc\n'));
  log.close();
  assert.equal(new Set(logLines(join(dir, 'a.log')).map((l) => l.slice(0, 24))).size, 1);
});

test('a 256 KiB read of short lines (more than one write batch once stamped) keeps every line whole, in order, under one timestamp', () => {
  const dir = makeProject();
  const log = new LogFile(join(dir, 'a.log'), { maxBytes: 1 << 30, keep: 1, onError: noError });
  const lines = Array.from({ length: 12_000 }, (_, i) => `${i} ${'x'.repeat(i % 50)}\n`).join('');
  const bytes = Buffer.from(lines);
  const s = new LineSplitter();
  // The first read ends mid-line: line 0 of the second read is carried bytes and the rest.
  log.write('out', s.push(bytes.subarray(0, 1001)));
  log.write('out', s.push(bytes.subarray(1001, 1001 + 256 * 1024)));
  log.write('out', s.push(bytes.subarray(1001 + 256 * 1024)));
  log.close();
  const got = logLines(join(dir, 'a.log'));
  assert.ok(bytes.length > 1001 + 256 * 1024, 'the test sends a third read');
  assert.deepEqual(got.map((l) => l.slice(31)), lines.split('\n').slice(0, -1));
  // Every line of the one large read carries the same time.
  const firstOfRead = lines.slice(0, 1001).split('\n').length - 1;
  const lastOfRead = lines.slice(0, 1001 + 256 * 1024).split('\n').length - 2;
  assert.equal(new Set(got.slice(firstOfRead, lastOfRead + 1).map((l) => l.slice(0, 24))).size, 1);
});

test('a chunk read in a later millisecond gets its own time, the time it was written', () => {
  const dir = makeProject();
  const log = new LogFile(join(dir, 'a.log'), { maxBytes: 1 << 20, keep: 1, onError: noError });
  const before = Date.now();
  log.write('out', split('first\n'));
  log.write('out', split('same millisecond, most likely\n'));
  // The clock, not a sleep: the next write must fall in a later millisecond.
  const first = Date.now();
  while (Date.now() === first);
  log.write('out', split('later\n'));
  const after = Date.now();
  log.close();
  const times = logLines(join(dir, 'a.log')).map((l) => Date.parse(l.slice(0, 24)));
  assert.ok(times.every((t) => t >= before && t <= after), `${times} within ${before}..${after}`);
  assert.ok(times[2] > times[0], `${times[2]} after ${times[0]}`);
});

test('the file grows past max_size only by a line larger than max_size itself', () => {
  const dir = makeProject();
  const log = new LogFile(join(dir, 'a.log'), { maxBytes: 400, keep: 5, onError: noError });
  log.write('out', split(Array.from({ length: 20 }, (_, i) => `line ${String(i).padStart(2, '0')} ${'x'.repeat(40)}\n`).join('')));
  log.write('out', split(`${'y'.repeat(1000)}\n`));
  log.write('out', split('last\n'));
  log.close();
  const sizes = readdirSync(dir).map((f) => readFileSync(join(dir, f)).length);
  assert.ok(sizes.every((n) => n <= 400 || n === 31 + 1001), `sizes ${sizes}`);
  assert.deepEqual(logLines(join(dir, 'a.log')).map((l) => l.replace(stamp, '')), ['out | last']);
});

test('a full disk is reported once as PIT_E_LOG_WRITE, and a new run retrying it does not say it again', (t) => {
  const dir = join(makeProject(), 'disk');
  if (!mountTmpfs(t, dir, '64k')) return;
  fillDisk(dir);
  const reported: PitError[] = [];
  const log = new LogFile(join(dir, 'a.log'), { maxBytes: 1 << 30, keep: 1, onError: (e) => reported.push(e) });
  for (let i = 0; i < 5; i++) log.write('out', split('x\n'));
  assert.deepEqual(reported.map((e) => e.code), ['PIT_E_LOG_WRITE']);
  assert.match(reported[0].message, /ENOSPC/);
  assert.match(reported[0].message, /a\.log/);
  log.resume(); // a new run tries again at once: still full, already said
  log.write('out', split('x\n'));
  assert.equal(reported.length, 1);
  log.close();
});

test('a log that could not be written resumes by itself once it can, with a line saying how many bytes were lost', async (t) => {
  const dir = join(makeProject(), 'disk');
  if (!mountTmpfs(t, dir, '64k')) return;
  const filler = fillDisk(dir);
  const file = join(dir, 'a.log');
  const resumed: number[] = [];
  const log = new LogFile(file, { maxBytes: 1 << 30, keep: 1, onError: () => {}, onResume: (lost) => resumed.push(lost) });
  log.write('out', split('lost one\n'));
  log.write('err', split('lost two\nand three\n'));
  // Space comes back, and the file ends in half a line (a write the full disk cut short).
  freeDisk(filler);
  appendFileSync(file, 'half a li');
  const startedAt = Date.now();
  await until(() => resumed.length, 2000, 'the log to resume');
  assert.ok(Date.now() - startedAt < 1000, 'within a second');
  log.write('out', split('kept\n'));
  log.close();
  assert.deepEqual(resumed, [9 + 19]);
  const lines = logLines(file);
  assert.equal(lines[0], 'half a li', 'the marker starts a line of its own');
  assert.match(lines[1], new RegExp(`${stamp.source}pit \\| 28 bytes of output not logged \\(ENOSPC from \\d{4}-[^)]+\\)$`));
  assert.match(lines[2], /out \| kept$/);
  assert.equal(lines.length, 3);
});

test('a log folder that cannot be created is reported once', () => {
  const dir = makeProject({ logs: 'a file where the folder should be' });
  const reported: PitError[] = [];
  const log = new LogFile(join(dir, 'logs', 'a.log'), { maxBytes: 1 << 30, keep: 1, onError: (e) => reported.push(e) });
  for (let i = 0; i < 3; i++) log.write('err', split('x\n'));
  assert.deepEqual(reported.map((e) => e.code), ['PIT_E_LOG_WRITE']);
});

test('a missing log folder is created (0700)', () => {
  const dir = makeProject();
  const log = new LogFile(join(dir, 'logs', 'a.log'), { maxBytes: 1 << 30, keep: 1, onError: noError });
  log.write('out', split('x\n'));
  log.close();
  assert.equal(logLines(join(dir, 'logs', 'a.log')).length, 1);
  assert.equal(statSync(join(dir, 'logs')).mode & 0o777, 0o700);
  assert.equal(statSync(join(dir, 'logs', 'a.log')).mode & 0o777, 0o600);
});

test('a log truncated by someone else (copytruncate) is not rotated early', () => {
  const dir = makeProject();
  const path = join(dir, 'a.log');
  const log = new LogFile(path, { maxBytes: 200, keep: 1, onError: noError });
  log.write('out', split(`${'x'.repeat(100)}\n`));
  truncateSync(path, 0);
  log.write('out', split(`${'y'.repeat(100)}\n`));
  log.close();
  assert.deepEqual(readdirSync(dir), ['a.log']);
});

test('a log planted as a symbolic link is never written through: reported, and its target untouched', () => {
  const dir = makeProject({ 'victim.txt': 'mine\n' });
  symlinkSync(join(dir, 'victim.txt'), join(dir, 'a.log'));
  const reported: PitError[] = [];
  const log = new LogFile(join(dir, 'a.log'), { maxBytes: 1 << 30, keep: 1, onError: (e) => reported.push(e) });
  log.write('out', split('secret output\n'));
  log.close();
  assert.deepEqual(reported.map((e) => e.code), ['PIT_E_LOG_WRITE']);
  assert.match(reported[0].message, /PIT_E_STATE_FILE_LINK/);
  assert.equal(readFileSync(join(dir, 'victim.txt'), 'utf8'), 'mine\n');
});
