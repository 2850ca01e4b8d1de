import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runEngine } from '../helpers/cli.js';
import { makeProject } from '../helpers/project.js';

test('init writes a starter pitfile that validates', () => {
  const dir = makeProject({});
  const r = runEngine(['init'], dir);
  assert.equal(r.status, 0, r.stderr);
  assert.match(readFileSync(join(dir, 'pitfile.yaml'), 'utf8'), /^# yaml-language-server: \$schema=/);
  const v = runEngine(['validate'], dir);
  assert.equal(v.status, 0, v.stderr);
});

test('init refuses to overwrite an existing pitfile', () => {
  const dir = makeProject({ 'pitfile.yaml': 'version: 1 # mine\n' });
  const r = runEngine(['init'], dir);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /already exists; not overwriting it \[PIT_E_INIT_EXISTS\]/);
  assert.equal(readFileSync(join(dir, 'pitfile.yaml'), 'utf8'), 'version: 1 # mine\n');
});
