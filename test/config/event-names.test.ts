// A reaction whose `on:` names an event nothing emits can never fire: it is
// an error at its line:column, with the name that was probably meant.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadPitfile } from '../../core/config/load.js';
import { pitfileErrors } from '../helpers/pitfile-errors.js';
import { makeProject } from '../helpers/project.js';

const base = 'version: 1\nprocesses:\n  api: { command: "sleep 100" }\nwatchers:\n  code: { paths: ["src/**"] }\n  nightly: { cron: "0 3 * * *" }\nreactions:\n';
const reacting = (on: string, extra = '') => `${base}  - on: "${on}"\n    do: [{ restart: api }]\n${extra}`;

test('a misspelt event of a kind Pit owns is an error at its place, with did-you-mean', async () => {
  for (const [on, meant] of [['process:*:crashed', 'process:*:exit'], ['file:code:chnage', 'file:code:change'], ['crom:nightly:tick', 'cron:nightly:tick'], ['process:api:helthy', 'process:api:healthy']]) {
    const errs = await pitfileErrors(reacting(on));
    assert.equal(errs.length, 1, `${on}: ${JSON.stringify(errs)}`);
    assert.deepEqual([errs[0].code, errs[0].line, errs[0].column, errs[0].path], ['PIT_E_CONFIG_EVENT_UNKNOWN', 8, 9, 'reactions[0].on'], on);
    assert.ok(errs[0].message.includes(`did you mean "${meant}"?`), `${on}: ${errs[0].message}`);
  }
});

test('an event name that exists, a plugin kind, or one a reaction emits is accepted', async () => {
  for (const on of ['process:*:exit', 'process:api', 'process:*:import-error', 'process:*:stats', 'file:code:change', 'cron:nightly', 'cron:nightly:tick', 'config:reloaded', 'reaction:*:failed', 'heartbeat:engine:write-error', 'slack:alerts:sent', '*:*']) {
    assert.deepEqual(await pitfileErrors(reacting(on)), [], on);
  }
  const emits = `${base}  - on: cron:nightly\n    do: [{ emit: "process:api:deployed" }]\n  - on: process:*:deployed\n    do: [{ restart: api }]\n`;
  assert.deepEqual(await pitfileErrors(emits), [], 'a name the pitfile emits itself');
});

test('config events have no subject: config:*:reloaded can never match', async () => {
  const [err] = await pitfileErrors(reacting('config:*:reloaded'));
  assert.equal(err.code, 'PIT_E_CONFIG_EVENT_UNKNOWN');
  assert.match(err.message, /write "config:reloaded"/);
});

test('with third-party plugins listed, an unknown process event is a warning: a plugin may emit it', async () => {
  const dir = makeProject({ 'pitfile.yaml': reacting('process:*:crashed', 'plugins: [pit-plugin-crashes]\n') });
  const { warnings } = await loadPitfile({ cwd: dir, env: {} });
  assert.deepEqual(warnings.map((w) => [w.code, w.where?.line, w.where?.column]), [['PIT_E_CONFIG_EVENT_UNKNOWN', 8, 9]]);
  // file:code:* stays an error: only Pit emits its watchers' events.
  await assert.rejects(loadPitfile({ cwd: makeProject({ 'pitfile.yaml': reacting('file:code:chnage', 'plugins: [pit-plugin-crashes]\n') }), env: {} }), /PIT_E_CONFIG_EVENT_UNKNOWN/);
});
