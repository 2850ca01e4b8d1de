import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pitfileErrors } from '../helpers/pitfile-errors.js';

const codesAt = async (text: string | Buffer) => (await pitfileErrors(text)).map((e) => [e.code, e.line, e.column]);

test('an empty pitfile is PIT_E_CONFIG_EMPTY at 1:1', async () => {
  assert.deepEqual(await codesAt(''), [['PIT_E_CONFIG_EMPTY', 1, 1]]);
  assert.deepEqual(await codesAt('\n  \n'), [['PIT_E_CONFIG_EMPTY', 1, 1]]);
});

test('text that is not YAML is a syntax error with its place', async () => {
  assert.deepEqual(await codesAt('version: 1\nprocesses: [a, b\n'), [['PIT_E_CONFIG_SYNTAX', 3, 1]]);
});

test('YAML of the wrong shape is a type error, not a crash', async () => {
  const errs = await pitfileErrors('- just\n- a list\n');
  assert.equal(errs[0].code, 'PIT_E_CONFIG_TYPE');
  assert.deepEqual([errs[0].line, errs[0].column], [1, 1]);
  assert.match(errs[0].message, /must be a map \(got a list\)/);
});

test('tabs used for indentation are reported where they are', async () => {
  const errs = await pitfileErrors('version: 1\nprocesses:\n\tapi: {command: x}\n');
  assert.equal(errs[0].code, 'PIT_E_CONFIG_SYNTAX');
  assert.deepEqual([errs[0].line, errs[0].column], [3, 1]);
  assert.match(errs[0].message, /[Tt]ab/);
});

test('a duplicate key names the key and its second place', async () => {
  const errs = await pitfileErrors('version: 1\nprocesses:\n  api: {command: a}\n  api: {command: b}\n');
  assert.deepEqual(errs.map((e) => [e.code, e.line, e.column]), [['PIT_E_CONFIG_DUPLICATE_KEY', 4, 3]]);
  assert.match(errs[0].message, /"api"/);
});

test('a byte-order mark is reported at 1:1', async () => {
  assert.deepEqual(await codesAt(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('version: 1\n')])), [['PIT_E_CONFIG_BOM', 1, 1]]);
});

test('a 10 MB file is refused before it is parsed', async () => {
  const big = 'version: 1\n' + '#'.repeat(10 * 1024 * 1024) + '\n';
  assert.deepEqual(await codesAt(big), [['PIT_E_CONFIG_TOO_LARGE', 1, 1]]);
});

test('an alias bomb is rejected quickly', async () => {
  const lines = ['version: 1', 'a: &a ["x","x","x","x","x","x","x","x","x"]'];
  for (let i = 1; i < 9; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill('*' + String.fromCharCode(96 + i)).join(',')}]`);
  const started = Date.now();
  const errs = await pitfileErrors(lines.join('\n') + '\n');
  assert.ok(Date.now() - started < 2000, `took ${Date.now() - started}ms`);
  assert.equal(errs[0].code, 'PIT_E_CONFIG_ALIASES');
  assert.equal(errs[0].line, 3);
});

test('a few aliases are fine', async () => {
  assert.deepEqual(
    await pitfileErrors('version: 1\nprocesses:\n  a: &p {command: x}\n  b: *p\n'),
    [],
  );
});
