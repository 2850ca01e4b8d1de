// The `engine` command's wiring (core/cli/main.ts): a command line that names
// a verb loads that verb's file alone, so `engine run` reaches its first
// spawn without the other verbs' modules; help still lists every verb (the
// walk of every verb's help is in validate.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeProject } from '../helpers/project.js';
import { node, engineArgs, type CliResult } from '../helpers/cli.js';
import { fixture } from '../helpers/paths.js';
import { spawnSync } from 'node:child_process';

/** Run `engine ...args` with every ES module it loads recorded; the verb files' names among them. */
function verbFilesLoaded(args: string[], cwd: string): { r: CliResult; verbs: string[] } {
  const list = join(cwd, 'modules.txt');
  const r = spawnSync(node, [...engineArgs.slice(0, -1), '--import', fixture('programs', 'record-modules.mjs'), engineArgs.at(-1)!, ...args], {
    cwd,
    env: { ...process.env, PIT_TEST_MODULES: list },
    encoding: 'utf8',
    timeout: 30_000,
  });
  const urls = readFileSync(list, 'utf8').split('\n');
  const verbs = urls.map((u) => /\/dist\/core\/cli\/([a-z-]+)\.js$/.exec(u)?.[1]).filter((v): v is string => v !== undefined);
  return { r: { status: r.status, stdout: r.stdout, stderr: r.stderr }, verbs };
}

test('engine run loads run.js and none of the other verbs\' files', () => {
  // A pitfile with a mistake: run loads and checks it, then stops before any engine starts.
  const dir = makeProject({ 'pitfile.yaml': 'version: 1\nprocesses:\n  api: { command: 42 }\n' });
  const { r, verbs } = verbFilesLoaded(['run'], dir);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /PIT_E_CONFIG/);
  assert.ok(verbs.includes('run'), `run.js loaded: ${verbs.join(', ')}`);
  for (const other of ['status', 'logs', 'why', 'events', 'export', 'import', 'service', 'mcp', 'doctor', 'init', 'process-actions'])
    assert.ok(!verbs.includes(other), `${other}.js must not load for engine run: ${verbs.join(', ')}`);
});

test('a verb after --config is found, and engine --help still loads and lists every verb', () => {
  const dir = makeProject({ 'other.yaml': 'version: 1\nprocesses: {}\n' });
  const status = verbFilesLoaded(['--config', 'other.yaml', 'status', '--help'], dir);
  assert.equal(status.r.status, 0, status.r.stderr);
  assert.match(status.r.stdout, /Usage: engine status/);
  assert.ok(!status.verbs.includes('run'), `run.js must not load for engine status: ${status.verbs.join(', ')}`);

  const help = verbFilesLoaded(['--help'], dir);
  assert.equal(help.r.status, 0, help.r.stderr);
  for (const verb of ['run', 'status', 'logs', 'why', 'install', 'scale', 'mcp', 'service']) assert.match(help.r.stdout, new RegExp(`^  ${verb}\\b`, 'm'), `engine --help lists ${verb}`);
  assert.ok(help.verbs.includes('status') && help.verbs.includes('run'), `every verb file loads for the whole help: ${help.verbs.join(', ')}`);
});

test('an unknown verb still gets the suggestion from every verb', () => {
  const { r } = verbFilesLoaded(['stauts'], makeProject());
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unknown command 'stauts'[\s\S]*Did you mean status\?/);
});
