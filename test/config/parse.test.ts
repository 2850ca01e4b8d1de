import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pitfileErrors } from '../helpers/pitfile-errors.js';
import { makeProject } from '../helpers/project.js';

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

test('invalid UTF-8 in a value is PIT_E_CONFIG_ENCODING at the bad byte, not a silent replacement character', async () => {
  // "café" saved as Latin-1: é is the single byte 0xe9.
  const text = Buffer.concat([Buffer.from('version: 1\nprocesses:\n  api: { command: [echo, "caf'), Buffer.from([0xe9]), Buffer.from('"] }\n')]);
  const errs = await pitfileErrors(text);
  assert.deepEqual(errs.map((e) => [e.code, e.line, e.column]), [['PIT_E_CONFIG_ENCODING', 3, 30]]);
  assert.match(errs[0].message, /not valid UTF-8 \(byte 0xe9 here\)/);
});

test('the column of a bad byte counts the characters before it, multi-byte ones as one', async () => {
  const text = Buffer.concat([Buffer.from('version: 1\n# ünïcödé '), Buffer.from([0xc3, 0x28]), Buffer.from('\n')]);
  assert.deepEqual(await codesAt(text), [['PIT_E_CONFIG_ENCODING', 2, 11]]);
  // Overlong forms and lone surrogates are not UTF-8 either.
  assert.deepEqual(await codesAt(Buffer.concat([Buffer.from('version: 1\nx: "'), Buffer.from([0xc0, 0xaf]), Buffer.from('"\n')])), [['PIT_E_CONFIG_ENCODING', 2, 5]]);
  assert.deepEqual(await codesAt(Buffer.concat([Buffer.from('version: 1\nx: "'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"\n')])), [['PIT_E_CONFIG_ENCODING', 2, 5]]);
  assert.deepEqual(await codesAt(Buffer.concat([Buffer.from('version: 1\nx: "ab'), Buffer.from([0xf0, 0x9f])])), [['PIT_E_CONFIG_ENCODING', 2, 7]]);
});

test('brackets nested 100,000 deep are refused before the YAML parser runs, at the first level too deep', async () => {
  const errs = await pitfileErrors(`version: 1\nx: ${'['.repeat(100_000)}\n`);
  assert.deepEqual(errs.map((e) => [e.code, e.line, e.column]), [['PIT_E_CONFIG_NESTING', 2, 4 + 64]]);
  // A line of "- - - …" nests the same way.
  assert.deepEqual((await pitfileErrors(`version: 1\nx:\n${'- '.repeat(100_000)}a\n`)).map((e) => e.code), ['PIT_E_CONFIG_NESTING']);
  // Brackets in quoted strings and comments do not count.
  const quoted = `version: 1\nprocesses:\n  api: { command: [echo, "${'['.repeat(100)}", '${'{'.repeat(100)}'] } # ${'['.repeat(100)}\n`;
  assert.deepEqual(await pitfileErrors(quoted), []);
});

test('refusing a deeply nested pitfile leaves no lasting memory behind', () => {
  // In a child of its own, so this process's heap does not blur the figure.
  const script = `
    import { parseConfigFile } from ${JSON.stringify(new URL('../../core/config/parse.js', import.meta.url).href)};
    import { writeFileSync } from 'node:fs';
    const file = process.argv[1];
    writeFileSync(file, 'version: 1\\nx: ' + '['.repeat(100000) + '\\n');
    gc();
    const before = process.memoryUsage().rss;
    for (let i = 0; i < 3; i++) try { parseConfigFile(file); } catch {}
    gc();
    console.log(process.memoryUsage().rss - before);`;
  const r = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script, join(makeProject(), 'pitfile.yaml')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const growthMiB = Number(r.stdout) / 2 ** 20;
  assert.ok(growthMiB < 20, `RSS grew ${growthMiB.toFixed(1)} MiB`);
});
