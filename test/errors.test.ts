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
