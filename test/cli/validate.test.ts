import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runEngine } from '../helpers/cli.js';
import { makeProject } from '../helpers/project.js';
import { repoRoot } from '../helpers/paths.js';

test('validate exits 0 and says what it found for a valid pitfile', () => {
  const dir = makeProject({ 'pitfile.yaml': 'version: 1\nprocesses:\n  a: { command: x }\n' });
  const r = runEngine(['validate'], dir);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /pitfile\.yaml is valid: 1 process, 0 watchers, 0 reactions/);
});

test('validate exits 1 and prints file:line:column, code frame and fix', () => {
  const dir = makeProject({ 'pitfile.yaml': 'version: 1\nprocesses:\n  api:\n    command: x\n    restart:\n      policy: onfailure\n' });
  const r = runEngine(['validate'], dir);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^pitfile\.yaml:6:15: processes\.api\.restart\.policy must be one of always, on-failure, never \(got "onfailure"\) \[PIT_E_CONFIG_ENUM\]/);
  assert.match(r.stderr, />\s+6 \|       policy: onfailure\n\s+\|\s{15}\^/);
  assert.match(r.stderr, /fix: use one of: always, on-failure, never/);
  assert.doesNotMatch(r.stderr, /at .*\.js:\d+/, 'no stack trace');
});

test('validate --json prints an array of {severity, file, line, column, path, message}', () => {
  const dir = makeProject({ 'pitfile.yaml': 'version: 1\nprocesses:\n  api:\n    command: x\n    stop: { timeout: later }\n' });
  const r = runEngine(['validate', '--json'], dir);
  assert.equal(r.status, 1);
  const list = JSON.parse(r.stdout);
  assert.deepEqual(list, [
    {
      severity: 'error',
      code: 'PIT_E_CONFIG_DURATION',
      file: join(dir, 'pitfile.yaml'),
      line: 5,
      column: 22,
      path: 'processes.api.stop.timeout',
      message: 'expected a duration like "5s" (got "later")',
      fix: list[0].fix,
    },
  ]);
  assert.equal(JSON.parse(runEngine(['validate', '--json'], makeProject({ 'pitfile.yaml': 'version: 1\n' })).stdout).length, 0);
});

test('validate shows warnings with file:line:column and exits 0; --strict makes them fail', () => {
  const dir = makeProject({ 'pitfile.yaml': 'version: 1\nprocesses:\n  api:\n    command: gunicron app:app\nwatchers:\n  code: { paths: ["src/**/*.py"] }\n' });
  const r = runEngine(['validate'], dir);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /^pitfile\.yaml:4:14: warning: processes\.api\.command "gunicron" is not found on PATH .*\[PIT_E_CONFIG_PROGRAM_NOT_FOUND\]/m);
  assert.match(r.stderr, /^pitfile\.yaml:6:19: warning: watchers\.code\.paths\[0\] "src\/\*\*\/\*\.py" matches no file .*\[PIT_E_CONFIG_WATCH_MATCHES_NOTHING\]/m);
  assert.match(r.stdout, /pitfile\.yaml is valid: 1 process, 1 watcher, 0 reactions \(2 warnings\)/);
  const strict = runEngine(['validate', '--strict'], dir);
  assert.equal(strict.status, 1);
  assert.match(strict.stderr, /warning: processes\.api\.command/);
  assert.match(strict.stderr, /2 warnings, and --strict fails on warnings/);
  assert.equal(strict.stdout, '', 'not said to be valid');
  const json = JSON.parse(runEngine(['validate', '--json'], dir).stdout);
  assert.deepEqual(json.map((w: { severity: string; code: string; line: number }) => [w.severity, w.code, w.line]), [
    ['warning', 'PIT_E_CONFIG_PROGRAM_NOT_FOUND', 4],
    ['warning', 'PIT_E_CONFIG_WATCH_MATCHES_NOTHING', 6],
  ]);
});

test('validate rejects a pitfile that can never work, each problem at its line:column, warnings beside', () => {
  const dir = makeProject({ 'pitfile.yaml': 'version: 1\nprocesses:\n  api:\n    command: ["gunicron"]\n    cwd: services/api\n  web:\n    command: ["gunicron"]\n' });
  const r = runEngine(['validate'], dir);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^pitfile\.yaml:5:10: processes\.api\.cwd the working directory services\/api does not exist \[PIT_E_CONFIG_CWD_MISSING\]/m);
  assert.match(r.stderr, /^pitfile\.yaml:7:15: processes\.web\.command\[0\] "gunicron" is not found on PATH/m);
  assert.doesNotMatch(r.stderr, /processes\.api\.command/, 'no program lookup in a cwd that does not exist');
  // Event names are checked with the file; the machine checks once it is consistent.
  const names = runEngine(['validate'], makeProject({ 'pitfile.yaml': 'version: 1\nprocesses:\n  api: { command: ["sleep", "1"] }\nreactions:\n  - on: "process:*:crashed"\n    do: [{ restart: api }]\n' }));
  assert.equal(names.status, 1);
  assert.match(names.stderr, /^pitfile\.yaml:5:9: reactions\[0\]\.on "process:\*:crashed" can never match: no process event is named "crashed" .*did you mean "process:\*:exit"\? \[PIT_E_CONFIG_EVENT_UNKNOWN\]/m);
});

test('validate with a usage error exits 2', () => {
  const dir = makeProject({ 'pitfile.yaml': 'version: 1\n' });
  const r = runEngine(['validate', '--frobnicate'], dir);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unknown option '--frobnicate'/);
});

test('validate --config uses that file', () => {
  const dir = makeProject({ 'deploy/prod.yaml': 'version: 1\n' });
  assert.equal(runEngine(['validate', '--config', 'deploy/prod.yaml'], dir).status, 0);
  assert.equal(runEngine(['--config', 'deploy/missing.yaml', 'validate'], dir).status, 1);
});

test('no pitfile found exits 1 with a hint to run engine init', () => {
  const r = runEngine(['validate'], makeProject({}));
  assert.equal(r.status, 1);
  assert.match(r.stderr, /PIT_E_CONFIG_NOT_FOUND[\s\S]*engine init/);
});

test('validate counts a process with replicas once, and says how many copies run', () => {
  const dir = makeProject({ 'pitfile.yaml': 'version: 1\nprocesses:\n  api: { command: ["sleep", "60"], replicas: 3 }\n  web: { command: ["sleep", "60"] }\n' });
  const r = runEngine(['validate'], dir);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /pitfile\.yaml is valid: 2 processes \(4 with replicas\), 0 watchers, 0 reactions/);
});

test('config.example.yaml is valid', () => {
  const r = runEngine(['validate', '--config', 'config.example.yaml'], repoRoot);
  assert.equal(r.status, 0, r.stderr);
});

/** The subcommands a help text lists under "Commands:", without commander's own `help`. */
function listedVerbs(help: string): string[] {
  const section = /^Commands:\n([\s\S]*?)(?:\n\n|(?![\s\S]))/m.exec(help)?.[1] ?? '';
  return section.split('\n').map((l) => /^ {2}(\S+)/.exec(l)?.[1]).filter((v): v is string => v !== undefined && v !== 'help');
}

test('every verb has help with examples', () => {
  // Walks the help tree itself, so a verb added later without examples fails here.
  const seen: string[] = [];
  const walk = (verb: string[]): void => {
    const r = runEngine([...verb, '--help'], repoRoot);
    assert.equal(r.status, 0, `engine ${verb.join(' ')} --help`);
    assert.match(r.stdout, /Examples?:/, `engine ${verb.join(' ')} --help has no example`);
    seen.push(verb.join(' '));
    for (const sub of listedVerbs(r.stdout)) walk([...verb, sub]);
  };
  walk([]);
  for (const verb of ['validate', 'init', 'config show', 'run', 'status', 'logs', 'export', 'import', 'why']) assert.ok(seen.includes(verb), `${verb} was walked`);
});
