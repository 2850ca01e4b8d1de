// Files in .pit/ are the user's alone whatever the umask, and never written
// through a symbolic link.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, readdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ensurePrivate, replacePrivate, writePrivate } from '../core/private-file.js';
import { makeProject } from './helpers/project.js';
import { node, engineArgs } from './helpers/cli.js';
import { until } from './helpers/wait.js';
import { freePort } from './helpers/port.js';
import type { PitError } from '../core/errors.js';

const mode = (f: string) => statSync(f).mode & 0o777;

test('private files are 0600 under an open umask, even when they existed with a wider mode', () => {
  const dir = makeProject({ 'old-token': 'x', 'old-db': '' });
  chmodSync(join(dir, 'old-token'), 0o666);
  chmodSync(join(dir, 'old-db'), 0o644);
  const before = process.umask(0);
  try {
    writePrivate(join(dir, 'old-token'), 'secret');
    writePrivate(join(dir, 'new-token'), 'secret');
    replacePrivate(join(dir, 'record.json'), '{}');
    ensurePrivate(join(dir, 'old-db'));
  } finally {
    process.umask(before);
  }
  for (const f of ['old-token', 'new-token', 'record.json', 'old-db']) assert.equal(mode(join(dir, f)), 0o600, f);
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), [], 'no temporary file left');
});

test('a symbolic link planted where a private file goes is refused, and its target is untouched', () => {
  const dir = makeProject({ 'victim.txt': 'mine\n' });
  symlinkSync(join(dir, 'victim.txt'), join(dir, 'dashboard.token'));
  assert.throws(() => writePrivate(join(dir, 'dashboard.token'), 'token'), (e: PitError) => e.code === 'PIT_E_STATE_FILE_LINK');
  assert.throws(() => ensurePrivate(join(dir, 'dashboard.token')), (e: PitError) => e.code === 'PIT_E_STATE_FILE_LINK');
  assert.equal(readFileSync(join(dir, 'victim.txt'), 'utf8'), 'mine\n');
  // The old predictable temporary name, planted as a link, is not where a record is written through.
  symlinkSync(join(dir, 'victim.txt'), join(dir, `record.json.${process.pid}.tmp`));
  replacePrivate(join(dir, 'record.json'), '{"pid":1}');
  assert.equal(readFileSync(join(dir, 'victim.txt'), 'utf8'), 'mine\n');
  assert.equal(readFileSync(join(dir, 'record.json'), 'utf8'), '{"pid":1}');
});

test('an engine started under umask 000 keeps its journal, token and pid records 0600, and its logs too', async () => {
  const dir = makeProject({ 'pitfile.yaml': 'version: 1\nprocesses:\n  a: { command: ["node", "-e", "console.log(1); setInterval(() => {}, 1000)"] }\n' });
  const cmd = [node, ...engineArgs, 'run', '--dashboard', `127.0.0.1:${await freePort()}`].map((a) => `'${a}'`).join(' ');
  const engine = spawn('sh', ['-c', `umask 000; exec ${cmd}`], { cwd: dir, stdio: 'ignore', env: { ...process.env, CI: '1' } });
  const exited = new Promise((r) => engine.once('exit', r));
  try {
    const pit = join(dir, '.pit');
    await until(() => {
      try {
        return statSync(join(pit, 'dashboard.token')) && readdirSync(join(pit, 'pids')).length > 0 && statSync(join(pit, 'journal.db')) && statSync(join(pit, 'logs', 'a.log'));
      } catch {
        return false;
      }
    }, 30_000, 'the token, a pid record, the journal and a log');
    const files = [join(pit, 'dashboard.token'), join(pit, 'journal.db'), join(pit, 'logs', 'a.log'), ...readdirSync(join(pit, 'pids')).map((f) => join(pit, 'pids', f))];
    for (const f of files) assert.equal(mode(f), 0o600, f);
    for (const d of [pit, join(pit, 'logs'), join(pit, 'pids')]) assert.equal(mode(d), 0o700, d);
  } finally {
    engine.kill('SIGTERM');
    await exited;
  }
});
