import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileLinePattern, literalLinePattern, linePatternProblem } from '../../core/logs/line-pattern.js';
import { pitfileErrors } from '../helpers/pitfile-errors.js';
import { loadPitfile } from '../../core/config/load.js';
import { makeProject } from '../helpers/project.js';

const head = 'version: 1\nprocesses:\n';

test('a log pattern matches the line as logged, without its colour codes', () => {
  const p = compileLinePattern('^Listening on :\\d+$');
  assert.equal(p.test('\x1b[32mListening on\x1b[0m :8080'), true);
  assert.equal(p.test('\x1b]0;title\x07Listening on :8080'), true);
  assert.equal(p.test('Listening on :http'), false);
  assert.equal(p.test('Not yet. Listening on :8080 soon'), false);
});

test('an evil pattern against a hostile line answers in time linear in the line', () => {
  const evil = compileLinePattern('(a+)+$');
  // A backtracking engine takes seconds at 30 characters of this, and doubles with each one more.
  assert.equal(/(a+)+$/.source, evil.source);
  const hostile = `${'a'.repeat(60_000)}!`;
  const started = performance.now();
  for (let i = 0; i < 20; i++) assert.equal(evil.test(hostile), false);
  const ms = performance.now() - started;
  assert.ok(ms < 2000, `20 tests of a 60 kB hostile line took ${Math.round(ms)} ms`);
  assert.equal(evil.test('aaaa'), true);
  for (const nested of ['(a|aa)+$', '(.*a){20}$', '(\\w+\\s?)+$']) {
    const t0 = performance.now();
    compileLinePattern(nested).test(`${'a '.repeat(30 * 1024)}!`);
    assert.ok(performance.now() - t0 < 2000, `${nested} took ${Math.round(performance.now() - t0)} ms`);
  }
});

test('a match hands back the whole match and each group, with an empty string for a group that took no part', () => {
  const p = compileLinePattern('code=(\\d+)( fatal)?');
  assert.deepEqual(p.exec('\x1b[31mERROR code=42\x1b[0m'), ['code=42', '42', '']);
  assert.deepEqual(p.exec('ERROR code=7 fatal'), ['code=7 fatal', '7', ' fatal']);
  assert.equal(p.exec('ERROR code=x'), null);
});

test('an if.match with lookaround is a pitfile error at its line and column, saying why', async () => {
  const errs = await pitfileErrors(head + '  api: { command: x }\nreactions:\n  - on: process:api:stderr\n    if: { match: "(?!warn)error" }\n    do: [{ restart: api }]\n');
  assert.deepEqual(errs.map((e) => [e.code, e.line, e.path]), [['PIT_E_CONFIG_REGEX', 6, 'reactions[0].if.match']]);
  assert.match(errs[0].message, /lookaround and backreferences are not supported/);
});

test('lookaround and backreferences are refused, saying why', () => {
  assert.match(linePatternProblem('(?=ready)')!, /lookaround and backreferences are not supported/);
  assert.match(linePatternProblem('(a)\\1')!, /lookaround and backreferences are not supported/);
  assert.match(linePatternProblem('(unclosed')!, /missing closing \)/);
  assert.equal(linePatternProblem('Listening on .*'), null);
});

test('a literal line becomes a pattern matching exactly that text', () => {
  const p = compileLinePattern(literalLinePattern('ready (pid $1) [ok] a.b*c?'));
  assert.equal(p.test('server ready (pid $1) [ok] a.b*c? now'), true);
  assert.equal(p.test('ready (pid 1) [ok] aXbc'), false);
});

test('an invalid log pattern is a pitfile error at its line and column, with a fix', async () => {
  const errs = await pitfileErrors(head + '  api:\n    command: x\n    health: { log: "(?<=port )\\\\d+" }\n');
  assert.deepEqual(errs.map((e) => [e.code, e.line, e.column, e.path]), [['PIT_E_CONFIG_HEALTH_LOG', 5, 20, 'processes.api.health.log']]);
  assert.match(errs[0].message, /bad log pattern "\(\?<=port \)\\\\d\+"/);
  const startup = await pitfileErrors(head + '  api:\n    command: x\n    health: { http: "http://127.0.0.1:1/", startup: { log: "a)" } }\n');
  assert.deepEqual(startup.map((e) => [e.code, e.path]), [['PIT_E_CONFIG_HEALTH_LOG', 'processes.api.health.startup.log']]);
});

test('a startup check names one of http, tcp, exec or log', async () => {
  const errs = await pitfileErrors(head + '  api:\n    command: x\n    health: { log: ready, startup: { log: up, tcp: 80 } }\n');
  assert.deepEqual(errs.map((e) => [e.code, e.path]), [['PIT_E_CONFIG_INVALID', 'processes.api.health.startup.tcp']]);
  assert.match(errs[0].message, /one of http, tcp, exec or log; this one has tcp and log|this one has log and tcp/);
});

test('health.restart defaults to restart.on_unhealthy, and startup to a 1m budget that only reports', async () => {
  const dir = makeProject({
    'pitfile.yaml':
      head +
      '  a: { command: x, restart: { on_unhealthy: true }, health: { exec: "true" } }\n' +
      '  b: { command: x, restart: { on_unhealthy: true }, health: { exec: "true", restart: false } }\n' +
      '  c: { command: x, health: { log: "Listening on .*", startup: {} } }\n',
  });
  const { pitfile } = await loadPitfile({ cwd: dir });
  assert.equal(pitfile.processes.a.health!.restart, true);
  assert.equal(pitfile.processes.b.health!.restart, false);
  assert.deepEqual(pitfile.processes.c.health!.check, { kind: 'log', pattern: 'Listening on .*' });
  assert.equal(pitfile.processes.c.health!.restart, false);
  assert.deepEqual(pitfile.processes.c.health!.startup, { check: null, intervalMs: 1000, timeoutMs: 2000, withinMs: 60_000, restart: false });
});
