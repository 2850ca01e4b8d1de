import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mergeLayers } from '../../core/config/layer.js';
import { loadPitfile } from '../../core/config/load.js';
import { PitfileError } from '../../core/errors.js';
import { makeProject } from '../helpers/project.js';

test('maps deep-merge while lists and scalars replace', () => {
  const base = { a: { b: 1, c: [1, 2], d: { e: 'x' } }, f: 'keep' };
  const over = { a: { c: [3], d: { g: 'y' } }, h: true };
  assert.deepEqual(mergeLayers(base, over), { a: { b: 1, c: [3], d: { e: 'x', g: 'y' } }, f: 'keep', h: true });
});

test('pitfile.local.yaml beside the pitfile overrides it', async () => {
  const dir = makeProject({
    'pitfile.yaml': 'version: 1\nprocesses:\n  api:\n    command: python app.py\n    env: { A: "1", B: "2" }\n    depends_on: [db]\n  db: { command: db }\n',
    'pitfile.local.yaml': 'processes:\n  api:\n    env: { B: "local" }\n    depends_on: []\n',
  });
  const { pitfile } = await loadPitfile({ cwd: dir });
  assert.deepEqual(pitfile.processes.api.env, { A: '1', B: 'local' });
  assert.deepEqual(pitfile.processes.api.dependsOn, {});
  assert.equal(pitfile.processes.api.command, 'python app.py');
  assert.deepEqual(pitfile.layers, [join(dir, 'pitfile.local.yaml')]);
});

test('an error in the local layer points at the local file', async () => {
  const dir = makeProject({
    'pitfile.yaml': 'version: 1\nprocesses:\n  api:\n    command: x\n',
    'pitfile.local.yaml': 'processes:\n  api:\n    restart:\n      policy: sometimes\n',
  });
  await assert.rejects(loadPitfile({ cwd: dir }), (e: unknown) => {
    assert.ok(e instanceof PitfileError);
    assert.equal(e.errors.length, 1);
    assert.equal(e.errors[0].where?.file, join(dir, 'pitfile.local.yaml'));
    assert.equal(e.errors[0].where?.line, 4);
    assert.equal(e.errors[0].where?.column, 15);
    return true;
  });
});
