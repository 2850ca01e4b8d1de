import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LinePrefixer, type PrefixTarget } from '../../core/logs/line-prefixer.js';
import { LineSplitter } from '../../core/logs/line-splitter.js';

/** A target that keeps each batch (copied: the buffer is reused). */
const collect = (room = Infinity) => {
  const batches: string[] = [];
  const target: PrefixTarget = { room: () => room, take: (buf, start, end) => void batches.push(buf.toString('latin1', start, end)) };
  return { batches, target };
};

test('every line gets the prefix, a cut piece the continued prefix, a line without "\\n" gets one', () => {
  const { batches, target } = collect();
  const s = new LineSplitter();
  const p = new LinePrefixer();
  p.write(s.push(Buffer.from(`a\n${'z'.repeat(70 * 1024)}`)), Buffer.from('api | '), Buffer.from('api + '), target);
  p.write(s.end(), Buffer.from('api | '), Buffer.from('api + '), target);
  const lines = batches.join('').split('\n');
  assert.deepEqual(lines.map((l) => [l.slice(0, 6), l.length]), [['api | ', 7], ['api + ', 6 + 64 * 1024], ['api | ', 6 + 6 * 1024], ['', 0]]);
});

test('batches respect the room the target gives, cut at line boundaries', () => {
  const { batches, target } = collect(25);
  new LinePrefixer().write(new LineSplitter().push(Buffer.from('one\ntwo\nthree\nfour\n')), Buffer.from('> '), Buffer.from('+ '), target);
  assert.deepEqual(batches.filter(Boolean), ['> one\n> two\n> three\n', '> four\n']);
});

test('one prefixer serves many streams, each with its own carried bytes', () => {
  const { batches, target } = collect();
  const p = new LinePrefixer();
  const out = new LineSplitter();
  const err = new LineSplitter();
  const [o, e] = [Buffer.from('o: '), Buffer.from('e: ')];
  p.write(out.push(Buffer.from('hel')), o, o, target);
  p.write(err.push(Buffer.from('wor')), e, e, target);
  p.write(out.push(Buffer.from('lo\n')), o, o, target);
  p.write(err.push(Buffer.from('ld\n')), e, e, target);
  assert.equal(batches.join(''), 'o: hello\ne: world\n');
});
