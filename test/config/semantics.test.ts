import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pitfileErrors } from '../helpers/pitfile-errors.js';

const head = 'version: 1\nprocesses:\n';

test('depends_on naming no process is reported with a suggestion', async () => {
  const errs = await pitfileErrors(head + '  api: { command: x, depends_on: [dbb] }\n  db: { command: y }\n');
  assert.deepEqual(errs.map((e) => [e.code, e.line, e.path]), [['PIT_E_CONFIG_DEPENDENCY_MISSING', 3, 'processes.api.depends_on[0]']]);
  assert.match(errs[0].message, /did you mean "db"/);
});

test('a dependency cycle is spelled out', async () => {
  const errs = await pitfileErrors(
    head + '  a: { command: x, depends_on: [b] }\n  b: { command: x, depends_on: { c: healthy } }\n  c: { command: x, depends_on: [a], health: { tcp: 1 } }\n',
  );
  assert.equal(errs.length, 1);
  assert.equal(errs[0].code, 'PIT_E_CONFIG_DEPENDENCY_CYCLE');
  assert.equal(errs[0].message, 'dependency cycle: a -> b -> c -> a');
  assert.equal(errs[0].line, 3);
});

test('a process depending on itself is a cycle', async () => {
  const errs = await pitfileErrors(head + '  a: { command: x, depends_on: [a] }\n');
  assert.equal(errs[0].message, 'dependency cycle: a -> a');
});

test('a reaction naming a missing process is reported where it is named', async () => {
  const errs = await pitfileErrors(head + '  api: { command: x }\nreactions:\n  - on: process:api:exit\n    do: [{ restart: [api, wrker] }]\n');
  assert.deepEqual(errs.map((e) => [e.code, e.line, e.path]), [['PIT_E_CONFIG_PROCESS_UNKNOWN', 6, 'reactions[0].do[0].restart[1]']]);
});

test('globs and $process are accepted as targets, a glob matching nothing is not', async () => {
  assert.deepEqual(
    await pitfileErrors(head + '  web-1: { command: x }\nreactions:\n  - on: process:*:exit\n    do: [{ restart: $process }, { stop: "web-*" }]\n'),
    [],
  );
  const errs = await pitfileErrors(head + '  web-1: { command: x }\nreactions:\n  - on: process:*:exit\n    do: [{ stop: "api-*" }]\n');
  assert.equal(errs[0].code, 'PIT_E_CONFIG_PROCESS_UNKNOWN');
});

test('event patterns must parse, and name existing watchers', async () => {
  const bad = await pitfileErrors(head + '  a: { command: x }\nreactions:\n  - on: "process::exit"\n    do: [{ restart: a }]\n');
  assert.deepEqual(bad.map((e) => [e.code, e.line, e.column]), [['PIT_E_CONFIG_EVENT_PATTERN', 5, 9]]);
  const missing = await pitfileErrors(head + '  a: { command: x }\nreactions:\n  - on: file:code:change\n    do: [{ restart: a }]\n');
  assert.equal(missing[0].code, 'PIT_E_CONFIG_WATCHER_UNKNOWN');
});

test('cron expressions and time zones are checked', async () => {
  const errs = await pitfileErrors(
    'version: 1\nwatchers:\n  a: { cron: "61 * * * *" }\n  b: { cron: "* * *" }\n  c: { cron: "0 3 * * *", timezone: Mars/Olympus }\n  d: { cron: "*/5 * * * * *", timezone: Europe/Paris }\n',
  );
  assert.deepEqual(errs.map((e) => [e.code, e.line]), [
    ['PIT_E_CONFIG_CRON', 3],
    ['PIT_E_CONFIG_CRON', 4],
    ['PIT_E_CONFIG_TIMEZONE', 5],
  ]);
});

test('a bad regex in if.match is reported', async () => {
  const errs = await pitfileErrors(head + '  a: { command: x }\nreactions:\n  - on: process:a:stderr\n    if: { match: "(unclosed" }\n    do: [{ restart: a }]\n');
  assert.deepEqual(errs.map((e) => [e.code, e.line]), [['PIT_E_CONFIG_REGEX', 6]]);
});

test('a health URL that is not http is reported', async () => {
  const errs = await pitfileErrors(head + '  a: { command: x, health: { http: "ftp://x/" } }\n');
  assert.equal(errs[0].code, 'PIT_E_CONFIG_INVALID');
});

test('waiting for "healthy" on a process without a health check is an error', async () => {
  const errs = await pitfileErrors(head + '  db: { command: x }\n  api: { command: y, depends_on: { db: healthy } }\n');
  assert.deepEqual(errs.map((e) => [e.code, e.line, e.path]), [['PIT_E_CONFIG_HEALTH_MISSING', 4, 'processes.api.depends_on.db']]);
});
