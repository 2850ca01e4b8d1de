import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { errors } from '../core/errors.js';
import { repoRoot } from './helpers/paths.js';

test('docs/errors.md documents exactly the codes of the catalogue', () => {
  const doc = readFileSync(join(repoRoot, 'docs', 'errors.md'), 'utf8');
  const documented = [...doc.matchAll(/^### (PIT_E_[A-Z_]+)$/gm)].map((m) => m[1]).sort();
  assert.deepEqual(documented, Object.keys(errors).sort());
});

test('every code is named PIT_E_<AREA>_<WHAT> and built with its own name', () => {
  for (const [code, build] of Object.entries(errors)) {
    assert.match(code, /^PIT_E_[A-Z]+_[A-Z_]+$/);
    const e = (build as (...a: unknown[]) => { code: string; fix?: string })(['x'], ['y'], ['z']);
    assert.equal(e.code, code);
    assert.ok(e.fix, `${code} has a fix`);
  }
});

const doc = () => readFileSync(join(repoRoot, 'docs', 'errors.md'), 'utf8');

test("core/errors.ts lists the codes grouped and ordered as docs/errors.md's sections", () => {
  const sections = [...doc().matchAll(/^## (.+)$|^### (PIT_E_[A-Z_]+)$/gm)];
  const documented = sections.filter((m) => m[2]).map((m) => m[2]);
  assert.deepEqual(Object.keys(errors), documented);
  // Each area's comment in the catalogue names its docs section, in the same order.
  const source = readFileSync(join(repoRoot, 'core', 'errors.ts'), 'utf8');
  const areas = [...new Set([...source.matchAll(/^ {2}\/\/ ([a-z]+):/gm)].map((m) => m[1]))];
  assert.deepEqual(areas, sections.filter((m) => m[1]).map((m) => m[1]));
});

/**
 * Words only, lower case: the docs write `code` and end sentences where the
 * terminal's fix line has none. An argument's place becomes \u0001.
 */
const words = (text: string) => text.toLowerCase().replace(/nan/g, '\u0001').replace(/[^a-z0-9\u0001]+/g, ' ').trim();

test('each code\'s "How to fix" in docs/errors.md begins with the fix the terminal prints, then may explain more', () => {
  const text = doc();
  // A stand-in for every argument: prints as \u0001 in a string, joins as one in a list; arithmetic on it gives NaN.
  const hole = () => Object.assign(['\u0001'], { toString: () => '\u0001' });
  for (const [code, build] of Object.entries(errors)) {
    const fix = String((build as (...a: unknown[]) => { fix?: string })(hole(), hole(), hole(), hole()).fix);
    const section = text.split(/^### /m).find((s) => s.startsWith(`${code}\n`))!;
    const written = /How to fix: ([\s\S]*?)(?:\n\n|$)/.exec(section)?.[1];
    assert.ok(written, `${code} has a "How to fix:" in docs/errors.md`);
    // An argument's place in the fix matches the example's words there.
    const pattern = words(fix).split('\u0001').map((part) => part.trim().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join(' ?.+? ?');
    assert.match(words(written), new RegExp(`^${pattern}\\b`), `${code}: docs/errors.md's "How to fix" should begin with: ${fix.replaceAll('\u0001', '…')}`);
  }
});
