import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineFramer, MAX_LINE_BYTES } from '../../core/logs/line-framer.js';

const text = (bufs: Buffer[]) => bufs.map((b) => b.toString());

test('lines split across chunks are joined, and none are merged', () => {
  const f = new LineFramer();
  assert.deepEqual(text(f.push(Buffer.from('one\ntw')).lines), ['one\n']);
  assert.deepEqual(text(f.push(Buffer.from('o\nthree\nfo')).lines), ['two\n', 'three\n']);
  assert.deepEqual(text(f.end().lines), ['fo\n']);
  assert.deepEqual(f.end().lines, []);
});

test('a 200 KiB line is cut into 64 KiB pieces marked as continued', () => {
  const f = new LineFramer();
  const big = Buffer.alloc(200 * 1024, 'a');
  const framed = f.push(Buffer.concat([big, Buffer.from('\nnext\n')]));
  assert.deepEqual(framed.lines.map((l) => l.length), [MAX_LINE_BYTES + 1, MAX_LINE_BYTES + 1, MAX_LINE_BYTES + 1, 8 * 1024 + 1, 5]);
  assert.deepEqual(framed.continued, [true, true, true, false, false]);
  assert.equal(Buffer.concat(framed.lines.slice(0, 4).map((l) => l.subarray(0, -1))).length, big.length);
});

test('a child that never prints a newline is cut, not buffered without bound', () => {
  const f = new LineFramer();
  let pieces = 0;
  for (let i = 0; i < 10; i++) pieces += f.push(Buffer.alloc(64 * 1024, 'z')).lines.length;
  // At most one piece's worth waits for more: 10 chunks give 9 pieces and one held back.
  assert.equal(pieces, 9);
  assert.equal(f.end().lines[0].length, 64 * 1024 + 1);
});

test('binary and invalid UTF-8 bytes pass through unchanged', () => {
  const f = new LineFramer();
  const bytes = Buffer.from([0xff, 0xfe, 0x00, 0xc3, 0x28, 0x0a, 0x80, 0x0a]);
  assert.deepEqual(Buffer.concat(f.push(bytes).lines), bytes);
});
