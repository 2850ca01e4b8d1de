import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pitfileErrors } from '../helpers/pitfile-errors.js';

const one = async (text: string) => {
  const errs = await pitfileErrors(text);
  assert.equal(errs.length, 1, JSON.stringify(errs, null, 2));
  return errs[0];
};

test('a wrong enum value names the allowed ones, the path and the value', async () => {
  const e = await one('version: 1\nprocesses:\n  api:\n    command: x\n    restart:\n      policy: onfailure\n');
  assert.equal(e.code, 'PIT_E_CONFIG_ENUM');
  assert.deepEqual([e.line, e.column, e.path], [6, 15, 'processes.api.restart.policy']);
  assert.equal(e.message, 'must be one of always, on-failure, never (got "onfailure")');
});

test('a misspelled key is reported at the key with a suggestion', async () => {
  const errs = await pitfileErrors('version: 1\nprocesses:\n  api:\n    command: x\n    restrat: { policy: always }\n');
  assert.deepEqual(errs.map((e) => [e.code, e.line, e.column, e.path]), [['PIT_E_CONFIG_UNKNOWN_KEY', 5, 5, 'processes.api.restrat']]);
  assert.match(errs[0].message, /did you mean "restart"\?/);
});

test('a missing required key is reported at the map that lacks it', async () => {
  const errs = await pitfileErrors('version: 1\nprocesses:\n  api:\n    cwd: srv\n');
  assert.deepEqual(errs.map((e) => [e.code, e.line, e.column, e.path]), [['PIT_E_CONFIG_REQUIRED', 3, 3, 'processes.api']]);
  assert.match(errs[0].message, /"command"/);
});

test('a missing version is reported at 1:1', async () => {
  const errs = await pitfileErrors('processes: {}\n');
  assert.deepEqual(errs.map((e) => [e.code, e.line, e.column]), [['PIT_E_CONFIG_REQUIRED', 1, 1]]);
});

test('a bad duration and a bad size have their own codes and places', async () => {
  const errs = await pitfileErrors(
    'version: 1\nprocesses:\n  api:\n    command: x\n    restart: { delay: fast }\n    logs: { max_size: huge }\n',
  );
  assert.deepEqual(errs.map((e) => [e.code, e.line, e.column]), [
    ['PIT_E_CONFIG_DURATION', 5, 23],
    ['PIT_E_CONFIG_SIZE', 6, 23],
  ]);
  assert.equal(errs[0].message, 'expected a duration like "5s" (got "fast")');
});

test('a value of the wrong type says what was expected and what came', async () => {
  const e = await one('version: 1\nprocesses:\n  api:\n    command: 42\n');
  assert.equal(e.code, 'PIT_E_CONFIG_TYPE');
  assert.deepEqual([e.line, e.column], [4, 14]);
  assert.equal(e.message, 'must be a string or a list of strings (got number 42)');
});

test('inside a union, the error is about the branch the value picked', async () => {
  const e = await one('version: 1\nprocesses:\n  api:\n    command: []\n');
  assert.deepEqual([e.code, e.line, e.column], ['PIT_E_CONFIG_INVALID', 4, 14]);
  assert.match(e.message, /at least 1 item/);
});

test('health with two probes, or none, says to use exactly one', async () => {
  const two = await one('version: 1\nprocesses:\n  api:\n    command: x\n    health: { http: "http://127.0.0.1:1/", tcp: 1 }\n');
  assert.equal(two.code, 'PIT_E_CONFIG_INVALID');
  assert.match(two.message, /has http and tcp; use exactly one of http, tcp, exec, heartbeat_file/);
  const none = await one('version: 1\nprocesses:\n  api:\n    command: x\n    health: { interval: 5s }\n');
  assert.match(none.message, /needs one of http, tcp, exec, heartbeat_file/);
});

test('an action with two keys is explained', async () => {
  const e = await one('version: 1\nprocesses: { a: { command: x } }\nreactions:\n  - on: process:a:exit\n    do: [{ restart: a, stop: a }]\n');
  assert.equal(e.path, 'reactions[0].do[0]');
  assert.match(e.message, /exactly one key.*got restart, stop/);
});

test('a process name with a colon is refused at the name', async () => {
  const errs = await pitfileErrors('version: 1\nprocesses:\n  "a:b": { command: x }\n');
  assert.deepEqual(errs.map((e) => [e.code, e.line, e.column]), [['PIT_E_CONFIG_INVALID', 3, 3]]);
});

test('all errors are reported at once, in file order', async () => {
  const errs = await pitfileErrors(
    'version: 2\nprocesses:\n  a:\n    command: x\n    autostart: maybe\n  b:\n    command: y\n    stop: { signal: SIGFOO }\nwatchers:\n  w: { paths: ["*.py"], debounce: soon }\n',
  );
  assert.deepEqual(errs.map((e) => [e.code, e.line]), [
    ['PIT_E_CONFIG_ENUM', 1],
    ['PIT_E_CONFIG_TYPE', 5],
    ['PIT_E_CONFIG_ENUM', 8],
    ['PIT_E_CONFIG_DURATION', 10],
  ]);
});
