// What engine run prints, on a stream the test controls: a terminal that
// reads slowly or not at all costs the engine a bounded buffer, and what it
// missed is said once with where it is; colours are distinct; a terminal
// without ANSI gets plain lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { closeSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PALETTE, TERMINAL_LIMITS, Terminal, formatSize, isAnsiTerminal } from '../../core/cli/terminal.js';
import { LineSplitter, MAX_LINE_BYTES, linesOf } from '../../core/logs/line-splitter.js';

/** A stream that takes writes but completes none until `read()`: a terminal nobody reads. */
function stalledStream() {
  const pending: (() => void)[] = [];
  let text = '';
  const stream = new Writable({
    highWaterMark: 16 * 1024,
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString('latin1');
      pending.push(done);
    },
  });
  return {
    stream,
    text: () => text,
    /** Let the reader catch up with everything written so far (and what that lets through). */
    async read() {
      while (pending.length) {
        pending.shift()!();
        await new Promise((r) => setImmediate(r));
      }
    },
  };
}

const kib = (n: number) => Buffer.from('y'.repeat(n * 1024 - 1) + '\n');

test('a terminal that does not read: output beyond the bound is dropped, not buffered, and said once with where it is when the terminal catches up', async () => {
  const t = stalledStream();
  const term = new Terminal(['api'], t.stream, { logOf: (n) => `.pit/logs/${n}.log`, color: false });
  for (let i = 0; i < 100 * 1024; i++) term.lines('api', 'out', [kib(1)]); // 100 MiB
  assert.ok(t.stream.writableLength <= TERMINAL_LIMITS.maxBufferedBytes + 64 * 1024, `${t.stream.writableLength} bytes buffered`);
  assert.doesNotMatch(t.text(), /not shown/, 'nothing said while the terminal is stalled');
  await t.read();
  const notes = t.text().match(/^pit \| .*$/gm) ?? [];
  assert.equal(notes.length, 1, notes.join('\n'));
  assert.match(notes[0], /^pit \| api: 10\d MB of output not shown on the terminal; it is in \.pit\/logs\/api\.log$/);
  // A terminal that keeps up afterwards gets every line, and no second note.
  term.lines('api', 'out', [Buffer.from('after\n')]);
  await t.read();
  assert.match(t.text(), /api \| after\n$/);
  assert.equal(t.text().match(/not shown/g)!.length, 1);
});

test('output held while the start-up view draws is kept up to its bound, and what did not fit is said as it is released', async () => {
  const t = stalledStream();
  const term = new Terminal(['api', 'db'], t.stream, { logOf: (n) => `.pit/logs/${n}.log`, color: false });
  term.hold();
  // Lines are views of a read buffer the next read reuses: what is held is a copy.
  const first = Buffer.from('db first\n');
  term.lines('db', 'out', [first]);
  first.fill('z', 0, 8);
  for (let i = 0; i < 3 * 1024; i++) term.lines('api', 'err', [kib(1)]); // 3 MiB
  term.note('a note is not held');
  assert.equal(t.text(), 'pit | a note is not held\n', 'process output waits; notes do not');
  term.release();
  await t.read();
  assert.match(t.text(), /^db  \| db first$/m, 'the first lines held are printed');
  const shown = (t.text().match(/^api ! y+$/gm) ?? []).length;
  assert.ok(shown > 0 && shown <= TERMINAL_LIMITS.maxHeldBytes / 1024, `${shown} lines of api shown`);
  assert.match(t.text(), /^pit \| api: [\d.]+ MB of output not shown on the terminal; it is in \.pit\/logs\/api\.log$/m);
  assert.doesNotMatch(t.text(), /db: .* not shown/);
});

test('lines are copied before the call returns: a write still pending keeps its bytes while the next lines arrive, and a done one lends its buffer to them', async () => {
  // A stream that keeps each chunk (not a copy) until it completes the write a turn later, as a socket does.
  const chunks: Buffer[] = [];
  const slow = new Writable({ write: (chunk: Buffer, _enc, done) => void (chunks.push(chunk), setImmediate(done)) });
  const term = new Terminal(['api'], slow, { color: false });
  const line = Buffer.alloc(10);
  for (let i = 0; i < 5; i++) term.lines('api', 'out', [line.fill(48 + i, 0, 9).fill(10, 9)]);
  while (slow.writableLength > 0) await new Promise((r) => setImmediate(r));
  assert.equal(Buffer.concat(chunks).toString(), [0, 1, 2, 3, 4].map((i) => `api | ${String(i).repeat(9)}\n`).join(''));
  // One that completes each write at once: the same buffer serves every call, and nothing is lost.
  let text = '';
  const fast = new Writable({ write: (chunk: Buffer, _enc, done) => void ((text += chunk.toString()), done()) });
  const term2 = new Terminal(['api'], fast, { color: false });
  for (let i = 0; i < 5; i++) term2.lines('api', 'out', [line.fill(48 + i, 0, 9).fill(10, 9)]);
  assert.equal(text, [0, 1, 2, 3, 4].map((i) => `api | ${String(i).repeat(9)}\n`).join(''));
});

test('a terminal that does not read gets at most one batch past the bound from a 256 KiB read, and what it missed is said once', async () => {
  const t = stalledStream();
  const term = new Terminal(['api'], t.stream, { logOf: (n) => `.pit/logs/${n}.log`, color: false });
  // Just under the bound, then reads of 256 lines (~260 KB once prefixed, three batches each).
  term.lines('api', 'out', Array.from({ length: 1000 }, () => kib(1)));
  assert.ok(t.stream.writableLength < TERMINAL_LIMITS.maxBufferedBytes);
  const read = Buffer.concat(Array.from({ length: 256 }, () => kib(1)));
  const s = new LineSplitter();
  for (let i = 0; i < 40; i++) term.chunk('api', 'out', s.push(read)); // 10 MiB
  assert.ok(t.stream.writableLength <= TERMINAL_LIMITS.maxBufferedBytes + 130 * 1024, `${t.stream.writableLength} bytes buffered`);
  await t.read();
  assert.equal(t.text().match(/api: .* not shown on the terminal; it is in \.pit\/logs\/api\.log/g)?.length, 1, t.text().slice(-200));
});

test('a chunk prints as its lines would: each prefixed once, none split or merged, a cut piece and an unterminated last line each ending in a newline', async () => {
  // Output cut across reads: a line carried from one chunk into the next, a
  // line longer than MAX_LINE_BYTES (cut into pieces), and no final newline.
  const long = 'L'.repeat(2 * MAX_LINE_BYTES + 10);
  const sent = `one\ntw` + `o\nthree\n${long}\nfour\n` + 'five, unterminated';
  const reads = [sent.slice(0, 6), sent.slice(6, 40_000), sent.slice(40_000, 150_000), sent.slice(150_000)];
  const print = async (how: 'chunk' | 'lines') => {
    const chunks: Buffer[] = [];
    // Completes each write a turn later, keeping the chunk itself (as a socket does): a reused buffer would show.
    const stream = new Writable({ write: (c: Buffer, _e, done) => void (chunks.push(c), setImmediate(done)) });
    const term = new Terminal(['api'], stream, { color: false });
    const s = new LineSplitter();
    for (const r of reads) {
      const split = s.push(Buffer.from(r, 'latin1'));
      if (how === 'chunk') term.chunk('api', 'err', split);
      else term.lines('api', 'err', linesOf(split));
    }
    if (how === 'chunk') term.chunk('api', 'err', s.end());
    else term.lines('api', 'err', linesOf(s.end()));
    while (stream.writableLength > 0) await new Promise((r) => setImmediate(r));
    return Buffer.concat(chunks).toString('latin1');
  };
  const text = await print('chunk');
  assert.equal(text, await print('lines'));
  const pieces = [long.slice(0, MAX_LINE_BYTES), long.slice(MAX_LINE_BYTES, 2 * MAX_LINE_BYTES), long.slice(2 * MAX_LINE_BYTES)];
  assert.equal(text, ['one', 'two', 'three', ...pieces, 'four', 'five, unterminated'].map((l) => `api ! ${l}\n`).join(''));
});

test('output for /dev/null is not built: process lines are skipped there and only there, engine notes still go', () => {
  const writes = (path: string) => {
    const fd = openSync(path, 'w');
    const got: string[] = [];
    const stream = Object.assign(new Writable({ write: (c: Buffer, _e, done) => void (got.push(c.toString()), done()) }), { fd });
    const term = new Terminal(['api'], stream, { color: false });
    term.lines('api', 'out', [Buffer.from('a line\n')]);
    term.chunk('api', 'out', new LineSplitter().push(Buffer.from('a chunk\n')));
    term.note('a note');
    closeSync(fd);
    if (path !== '/dev/null') rmSync(path);
    return got.join('');
  };
  assert.equal(writes('/dev/null'), 'pit | a note\n');
  assert.equal(writes(join(tmpdir(), `pit-terminal-${process.pid}.txt`)), 'api | a line\napi | a chunk\npit | a note\n');
});

test('process colours do not repeat until the palette is used up, in the order the processes are named', () => {
  let text = '';
  const stream = Object.assign(new Writable({ write: (c: Buffer, _e, done) => ((text += c.toString()), done()) }), { isTTY: true, columns: 80 });
  const names = Array.from({ length: PALETTE.length + 1 }, (_, i) => `p${i}`);
  const term = new Terminal(names, stream, { color: true });
  for (const n of names) term.lines(n, 'out', [Buffer.from('x\n')]);
  const codes = [...text.matchAll(/\x1b\[(\d+)mp\d+/g)].map((m) => Number(m[1]));
  assert.equal(codes.length, names.length);
  assert.equal(new Set(codes.slice(0, PALETTE.length)).size, PALETTE.length, 'ten processes, ten colours');
  assert.equal(codes[PALETTE.length], codes[0], 'the eleventh reuses the first');
});

test('a stderr line keeps its process colour, carries a red "!", and its text is not coloured', () => {
  let text = '';
  const stream = Object.assign(new Writable({ write: (c: Buffer, _e, done) => ((text += c.toString()), done()) }), { isTTY: true, columns: 80 });
  const term = new Terminal(['api'], stream, { color: true });
  term.lines('api', 'out', [Buffer.from('GET / 200\n')]);
  term.lines('api', 'err', [Buffer.from('GET /x 404\n')]);
  const [out, err] = text.split('\n');
  const colourOf = (l: string) => /^\x1b\[(\d+)mapi/.exec(l)![1];
  assert.equal(colourOf(err), colourOf(out));
  assert.ok(err.endsWith('\x1b[31m!\x1b[0m GET /x 404'), JSON.stringify(err));
  assert.equal(err.match(/\x1b\[31m/g)!.length, 1, 'red only for the marker');
});

test('NO_COLOR, TERM=dumb, a 0-column terminal, a pipe and a file get plain lines', () => {
  const tty = (columns?: number) => Object.assign(new Writable({ write: (_c, _e, done) => done() }), { isTTY: true, columns });
  assert.equal(isAnsiTerminal(tty(80), {}), true);
  assert.equal(isAnsiTerminal(tty(80), { NO_COLOR: '1' }), false);
  assert.equal(isAnsiTerminal(tty(80), { TERM: 'dumb' }), false);
  assert.equal(isAnsiTerminal(tty(0), {}), false);
  assert.equal(isAnsiTerminal(new Writable({ write: (_c, _e, done) => done() }), {}), false);
  let text = '';
  const zero = Object.assign(new Writable({ write: (c: Buffer, _e, done) => ((text += c.toString()), done()) }), { isTTY: true, columns: 0 });
  const term = new Terminal(['api'], zero);
  term.lines('api', 'err', [Buffer.from('oops\n')]);
  term.note('hello');
  assert.equal(text, 'api ! oops\npit | hello\n');
});

test('sizes are said in the units of a pitfile', () => {
  assert.equal(formatSize(900), '900 B');
  assert.equal(formatSize(1_234_567_890), '1.2 GB');
  assert.equal(formatSize(340_000_000), '340 MB');
});
