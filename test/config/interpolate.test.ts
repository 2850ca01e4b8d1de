import { test } from 'node:test';
import assert from 'node:assert/strict';
import { interpolate } from '../../core/config/interpolate.js';
import { loadPitfile } from '../../core/config/load.js';
import { PitfileError } from '../../core/errors.js';
import { makeProject } from '../helpers/project.js';

test('${VAR} takes the value from the environment', () => {
  assert.deepEqual(interpolate({ a: 'port ${PORT}' }, { PORT: '8000' }).data, { a: 'port 8000' });
});

test('${VAR:-default} uses the default when unset or empty', () => {
  assert.deepEqual(interpolate({ a: '${P:-80}', b: '${E:-x}' }, { E: '' }).data, { a: '80', b: 'x' });
  assert.deepEqual(interpolate({ a: '${P:-80}' }, { P: '90' }).data, { a: '90' });
});

test('$$ is a literal dollar and $process is left alone', () => {
  assert.deepEqual(interpolate({ a: 'cost $$5', b: '$process', c: '$${HOME}' }, { HOME: '/h' }).data, {
    a: 'cost $5', b: '$process', c: '${HOME}',
  });
});

test('values in lists and nested maps are interpolated, keys are not', () => {
  assert.deepEqual(interpolate({ '${K}': ['${V}', { x: '${V}' }] }, { K: 'k', V: 'v' }).data, { '${K}': ['v', { x: 'v' }] });
});

test('an unset variable without default is an error naming it and where it is used', async () => {
  const dir = makeProject({ 'pitfile.yaml': 'version: 1\nprocesses:\n  api:\n    command: serve --port ${PIT_TEST_UNSET_PORT}\n' });
  await assert.rejects(loadPitfile({ cwd: dir, env: {} }), (e: unknown) => {
    assert.ok(e instanceof PitfileError);
    const [err] = e.errors;
    assert.equal(err.code, 'PIT_E_CONFIG_ENV_UNSET');
    assert.match(err.message, /PIT_TEST_UNSET_PORT/);
    assert.equal(err.where?.path, 'processes.api.command');
    assert.deepEqual([err.where?.line, err.where?.column], [4, 14]);
    return true;
  });
});

test('a malformed reference is an error', () => {
  const { problems } = interpolate({ a: 'x ${not closed' }, {});
  assert.equal(problems[0].error.code, 'PIT_E_CONFIG_INTERPOLATION');
  assert.equal(interpolate({ a: '${1BAD}' }, {}).problems[0].error.code, 'PIT_E_CONFIG_INTERPOLATION');
});
