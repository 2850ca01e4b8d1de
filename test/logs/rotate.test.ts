import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rotateLogFiles } from '../../core/logs/rotate.js';
import { LogFile } from '../../core/logs/log-file.js';
import { LineSplitter } from '../../core/logs/line-splitter.js';
import { makeProject } from '../helpers/project.js';

const noError = () => assert.fail('no error expected');

test('rotation keeps exactly keep files, newest first', () => {
  const dir = makeProject();
  const path = join(dir, 'a.log');
  const log = new LogFile(path, { maxBytes: 300, keep: 2, onError: noError });
  for (let i = 0; i < 40; i++) log.write('out', new LineSplitter().push(Buffer.from(`line ${i} ${'x'.repeat(40)}\n`)));
  log.close();
  assert.deepEqual(readdirSync(dir).sort(), ['a.log', 'a.log.1', 'a.log.2']);
  const last = (f: string) => Number(/line (\d+)/.exec(readFileSync(join(dir, f), 'utf8').trimEnd().split('\n').at(-1)!)![1]);
  assert.equal(last('a.log'), 39);
  assert.ok(last('a.log.1') < last('a.log') && last('a.log.2') < last('a.log.1'));
  for (const f of readdirSync(dir)) assert.ok(readFileSync(join(dir, f)).length <= 300);
});

test('keep 0 truncates instead of keeping old files', () => {
  const dir = makeProject();
  const log = new LogFile(join(dir, 'a.log'), { maxBytes: 200, keep: 0, onError: noError });
  for (let i = 0; i < 20; i++) log.write('out', new LineSplitter().push(Buffer.from(`line ${i} ${'x'.repeat(40)}\n`)));
  log.close();
  assert.deepEqual(readdirSync(dir), ['a.log']);
  assert.match(readFileSync(join(dir, 'a.log'), 'utf8'), /line 19/);
});

test('files left by a larger keep are dropped; other files are not touched', () => {
  const dir = makeProject({ 'a.log': 'now', 'a.log.1': '1', 'a.log.2': '2', 'a.log.3': '3', 'a.log.7': '7', 'a.log.bak': 'mine', 'b.log.1': 'other' });
  rotateLogFiles(join(dir, 'a.log'), 2);
  assert.deepEqual(readdirSync(dir).sort(), ['a.log.1', 'a.log.2', 'a.log.bak', 'b.log.1']);
  assert.equal(readFileSync(join(dir, 'a.log.1'), 'utf8'), 'now');
  assert.equal(readFileSync(join(dir, 'a.log.2'), 'utf8'), '1');
  writeFileSync(join(dir, 'a.log'), 'again');
  rotateLogFiles(join(dir, 'a.log'), 0);
  assert.deepEqual(readdirSync(dir).sort(), ['a.log.bak', 'b.log.1']);
});
