// A reaction reads every declared event's fields flat (${event.module}); the
// built-in plugins' old nested form still reads for now, with a warning; and
// an emit cannot make up one of the declared names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadPitfile } from '../../core/config/load.js';
import { lookup } from '../../core/reactions/conditions.js';
import type { PitEvent } from '../../core/events/catalog.js';
import { pitfileErrors } from '../helpers/pitfile-errors.js';
import { makeProject } from '../helpers/project.js';

const base = 'version: 1\nprocesses:\n  api: { command: "python app.py" }\nreactions:\n';

const importError: PitEvent = { id: 'e1', type: 'process:import-error', subject: 'api', at: 0, process: 'api', exit_code: 1, stream: 'stderr', kind: 'missing-module', module: 'yaml', top_level: 'yaml', line: "ModuleNotFoundError: No module named 'yaml'", source: null };

test('${event.data.x} on a built-in plugin event is a warning at its place naming the flat field, and still reads the field', async () => {
  const dir = makeProject({ 'pitfile.yaml': `${base}  - on: process:*:import-error\n    do: [{ run: "echo \${event.data.module} \${event.module}" }]\n` });
  const { warnings } = await loadPitfile({ cwd: dir, env: {} });
  assert.deepEqual(warnings.map((w) => [w.code, w.where?.line]), [['PIT_E_CONFIG_EVENT_DATA', 6]], 'one warning, for the nested form only');
  assert.match(warnings[0].message, /^\$\{event\.data\.module\} reads a process:import-error event's field under "data".*read as \$\{event\.module\}/);
  assert.equal(lookup('event.data.module', { event: importError, match: [] }), 'yaml');
  assert.equal(lookup('event.module', { event: importError, match: [] }), 'yaml');
});

test('an event an emit made up keeps its data: ${event.data.x} there is no warning and reads data', async () => {
  const dir = makeProject({ 'pitfile.yaml': `${base}  - on: ops:*:error\n    do: [{ run: "echo \${event.data.kind}" }]\n  - on: process:*\n    do: [{ run: "echo \${event.data.kind}" }]\n` });
  assert.deepEqual((await loadPitfile({ cwd: dir, env: {} })).warnings, []);
  const custom: PitEvent = { id: 'e2', type: 'custom:event', subject: 'api', at: 0, name: 'ops:api:error', data: { kind: 'KeyError' } };
  assert.equal(lookup('event.data.kind', { event: custom, match: [] }), 'KeyError');
  assert.equal(lookup('event.kind', { event: custom, match: [] }), '', 'a made-up event is not flattened');
});

test('an emit naming one of the declared events is an error at its place; a made-up name of a known kind is not', async () => {
  const errs = await pitfileErrors(`${base}  - on: process:api:exit\n    do: [{ emit: "process:api:exit" }, { emit: { event: "process:api:install" } }]\n`);
  assert.deepEqual(errs.map((e) => [e.code, e.line, e.path]), [
    ['PIT_E_CONFIG_INVALID', 6, 'reactions[0].do[0].emit'],
    ['PIT_E_CONFIG_INVALID', 6, 'reactions[0].do[1].emit'],
  ]);
  assert.match(errs[0].message, /process:exit is one of Pit's own events/);
  assert.deepEqual(await pitfileErrors(`${base}  - on: process:api:exit\n    do: [{ emit: "process:api:deployed" }]\n`), []);
});
