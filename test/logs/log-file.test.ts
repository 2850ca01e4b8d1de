import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { LogFile } from '../../core/logs/log-file.js';
import { LineFramer } from '../../core/logs/line-framer.js';
import { makeProject } from '../helpers/project.js';

const frame = (s: string) => new LineFramer().push(Buffer.from(s));

test('each line is stamped with the time and its stream; cut pieces are tagged "+"', () => {
  const dir = makeProject();
  const log = new LogFile(join(dir, 'a.log'), { maxBytes: 1 << 20, keep: 1, onError: () => assert.fail('no error expected') });
  log.write('out', frame('hello\nworld\n'));
  log.write('err', frame('boom\n'));
  log.write('out', { lines: [Buffer.from('piece\n'), Buffer.from('end\n')], continued: [true, false] });
  log.close();
  const lines = readFileSync(join(dir, 'a.log'), 'utf8').trimEnd().split('\n');
  const stamp = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z /;
  assert.ok(lines.every((l) => stamp.test(l)));
  assert.deepEqual(lines.map((l) => l.replace(stamp, '')), ['out | hello', 'out | world', 'err | boom', 'out+| piece', 'out | end']);
});

test('rotation keeps exactly keep files, newest first', () => {
  const dir = makeProject();
  const path = join(dir, 'a.log');
  const log = new LogFile(path, { maxBytes: 300, keep: 2, onError: () => assert.fail('no error expected') });
  for (let i = 0; i < 40; i++) log.write('out', frame(`line ${i} ${'x'.repeat(40)}\n`));
  log.close();
  assert.deepEqual(readdirSync(dir).sort(), ['a.log', 'a.log.1', 'a.log.2']);
  const last = (f: string) => Number(/line (\d+)/.exec(readFileSync(join(dir, f), 'utf8').trimEnd().split('\n').at(-1)!)![1]);
  assert.equal(last('a.log'), 39);
  assert.ok(last('a.log.1') < last('a.log') && last('a.log.2') < last('a.log.1'));
  for (const f of readdirSync(dir)) assert.ok(readFileSync(join(dir, f)).length <= 300 + 80);
});

test('keep 0 truncates instead of keeping old files', () => {
  const dir = makeProject();
  const log = new LogFile(join(dir, 'a.log'), { maxBytes: 200, keep: 0, onError: () => assert.fail('no error expected') });
  for (let i = 0; i < 20; i++) log.write('out', frame(`line ${i} ${'x'.repeat(40)}\n`));
  log.close();
  assert.deepEqual(readdirSync(dir), ['a.log']);
});

test('a full disk is reported once and later writes are dropped quietly', () => {
  const dir = makeProject();
  // /dev/full fails every write with ENOSPC: a real full disk, on demand.
  symlinkSync('/dev/full', join(dir, 'a.log'));
  const reasons: string[] = [];
  const log = new LogFile(join(dir, 'a.log'), { maxBytes: 1 << 30, keep: 1, onError: (r) => reasons.push(r) });
  for (let i = 0; i < 5; i++) log.write('out', frame('x\n'));
  assert.deepEqual(reasons, ['ENOSPC']);
});
