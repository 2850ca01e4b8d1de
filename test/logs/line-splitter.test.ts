import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineSplitter, MAX_LINE_BYTES, isContinued, linesOf, type Split } from '../../core/logs/line-splitter.js';

const text = (split: Split) => linesOf(split).map((b) => b.toString('latin1'));
const continued = (split: Split) => Array.from({ length: split.count }, (_, i) => isContinued(split, i));

test('lines split across chunks are joined, and none are merged', () => {
  const s = new LineSplitter();
  assert.deepEqual(text(s.push(Buffer.from('one\ntw'))), ['one\n']);
  assert.deepEqual(text(s.push(Buffer.from('o'))), []);
  assert.deepEqual(text(s.push(Buffer.from('\nthree\nfo'))), ['two\n', 'three\n']);
  assert.deepEqual(text(s.end()), ['fo\n'], 'the unterminated last line is flushed at the end');
  assert.equal(s.end().count, 0);
});

test('lines are offsets into the chunk: no copy unless a line spans chunks', () => {
  const s = new LineSplitter();
  const chunk = Buffer.from('a\nbb\nccc');
  const split = s.push(chunk);
  assert.equal(split.data, chunk);
  assert.equal(split.carried, null);
  assert.deepEqual([...split.ends.subarray(0, split.count)], [2, 5]);
  const next = s.push(Buffer.from('c\nd\n'));
  assert.equal(next.carried?.toString(), 'ccc');
  assert.deepEqual(text(next), ['cccc\n', 'd\n']);
});

test('a 200 KiB line is cut into 64 KiB pieces marked as continued', () => {
  const s = new LineSplitter();
  const big = Buffer.alloc(200 * 1024, 'a');
  const split = s.push(Buffer.concat([big, Buffer.from('\nnext\n')]));
  assert.deepEqual(linesOf(split).map((l) => l.length), [MAX_LINE_BYTES + 1, MAX_LINE_BYTES + 1, MAX_LINE_BYTES + 1, 8 * 1024 + 1, 5]);
  assert.deepEqual(continued(split), [true, true, true, false, false]);
  assert.deepEqual(Buffer.concat(linesOf(split).slice(0, 4).map((l) => l.subarray(0, -1))), big);
});

test('a long line arriving in small chunks is cut the same way', () => {
  const s = new LineSplitter();
  const pieces: Buffer[] = [];
  const flags: boolean[] = [];
  const big = Buffer.alloc(200 * 1024 + 1);
  for (let i = 0; i < big.length - 1; i++) big[i] = 48 + (i % 10);
  big[big.length - 1] = 0x0a;
  for (let at = 0; at < big.length; at += 1000) {
    const split = s.push(big.subarray(at, at + 1000));
    // Copied: lines are valid only until the splitter's next call.
    pieces.push(...linesOf(split).map((l) => Buffer.from(l)));
    flags.push(...continued(split));
  }
  assert.deepEqual(flags, [true, true, true, false]);
  assert.deepEqual(Buffer.concat(pieces.map((p) => p.subarray(0, -1))), big.subarray(0, -1));
});

test('a child that never prints a newline is cut, not buffered without bound', () => {
  const s = new LineSplitter();
  let pieces = 0;
  for (let i = 0; i < 10; i++) pieces += s.push(Buffer.alloc(64 * 1024, 'z')).count;
  // At most one piece's worth waits for more: 10 chunks give 9 pieces and one held back.
  assert.equal(pieces, 9);
  const last = s.end();
  assert.equal(linesOf(last)[0].length, 64 * 1024 + 1);
  assert.deepEqual(continued(last), [false], 'the end of the stream is not a cut');
});

test('the chunk may be reused as soon as push returns: what waits for the rest of its line is a copy', () => {
  const s = new LineSplitter();
  const chunk = Buffer.from('one\ntw');
  assert.deepEqual(text(s.push(chunk)), ['one\n']);
  chunk.fill('z'); // the read buffer, refilled by the next read
  assert.deepEqual(text(s.push(Buffer.from('o\n'))), ['two\n']);
  // A 200 KiB line read through one 1 KiB buffer comes out whole.
  const read = Buffer.alloc(1024);
  const out: Buffer[] = [];
  for (let i = 0; i < 200; i++) out.push(...linesOf(s.push(read.fill(97 + (i % 26)))).map((l) => Buffer.from(l)));
  out.push(...linesOf(s.end()));
  const joined = Buffer.concat(out.map((l) => l.subarray(0, -1)));
  assert.equal(joined.length, 200 * 1024);
  for (let i = 0; i < 200; i++) assert.ok(joined.subarray(i * 1024, (i + 1) * 1024).every((b) => b === 97 + (i % 26)), `kilobyte ${i} intact`);
});

test('binary and invalid UTF-8 bytes pass through unchanged', () => {
  const s = new LineSplitter();
  const bytes = Buffer.from([0xff, 0xfe, 0x00, 0xc3, 0x28, 0x0d, 0x0a, 0x80, 0x0a]);
  assert.deepEqual(Buffer.concat(linesOf(s.push(bytes))), bytes);
});
