import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_STATE_DIR, ensureStateDir, logPath, pluginStateDir, reactionLogPath, stateDirPaths } from '../core/state-dir.js';
import { makeProject } from './helpers/project.js';
import { repoRoot } from './helpers/paths.js';
import { runEngine } from './helpers/cli.js';
import type { PitError } from '../core/errors.js';

test('the state directory and its folders are created for the owner only (0700)', () => {
  const stateDir = join(makeProject(), 'deep', '.pit');
  ensureStateDir(stateDir);
  const p = stateDirPaths(stateDir);
  for (const dir of [stateDir, p.logs, p.pids]) assert.equal(statSync(dir).mode & 0o777, 0o700, dir);
  ensureStateDir(stateDir); // again: nothing to do, no error
});

test('every path lives under the state directory', () => {
  const p = stateDirPaths('/srv/app/.pit');
  assert.deepEqual(p, {
    logs: '/srv/app/.pit/logs',
    pids: '/srv/app/.pit/pids',
    lock: '/srv/app/.pit/engine.lock',
    socket: '/srv/app/.pit/engine.sock',
    socketPointer: '/srv/app/.pit/engine.sock.path',
    heartbeat: '/srv/app/.pit/engine.heartbeat',
    journal: '/srv/app/.pit/journal.db',
    dashboardToken: '/srv/app/.pit/dashboard.token',
    daemonLog: '/srv/app/.pit/engine.log',
    daemonPid: '/srv/app/.pit/engine.pid',
  });
  assert.equal(logPath('/srv/app/.pit', 'api'), '/srv/app/.pit/logs/api.log');
  assert.equal(reactionLogPath('/srv/app/.pit', 'cleanup'), '/srv/app/.pit/logs/reaction-cleanup.log');
  assert.equal(pluginStateDir('/srv/app/.pit', 'installer'), '/srv/app/.pit/installer');
});

test('the default state directory is the schema\'s default for settings.state_dir', () => {
  const schema = JSON.parse(readFileSync(join(repoRoot, 'schemas', 'pitfile.schema.json'), 'utf8'));
  assert.equal(DEFAULT_STATE_DIR, schema.definitions?.settings?.properties?.state_dir?.default ?? schema.properties.settings.properties.state_dir.default);
});

test('only core/state-dir.ts names a path under the state directory', () => {
  const found: string[] = [];
  for (const dir of ['core', 'plugins']) {
    for (const f of readdirSync(join(repoRoot, dir), { recursive: true }) as string[]) {
      // The page (dashboard/ui/) runs in the browser: it names .pit/dashboard.token to a person, in prose.
      if (!f.endsWith('.ts') || f.endsWith('.d.ts') || `${dir}/${f}` === 'core/state-dir.ts' || f.startsWith('dashboard/ui/')) continue;
      const code = readFileSync(join(repoRoot, dir, f), 'utf8').split('\n').filter((l) => !/^\s*(\/\/|\*|\/\*\*)/.test(l));
      code.forEach((line, i) => {
        // join(stateDir, 'x') or join(settings.stateDir, …), and a quoted '.pit' in code (comments and help text may name it).
        if (/join\([\w.]*stateDir\s*,/i.test(line) || /['"`]\.pit['"`/]/.test(line)) found.push(`${dir}/${f}: ${line.trim()}`);
      });
    }
  }
  assert.deepEqual(found, []);
});

test('a state directory others may write, that is a symbolic link, or that belongs to another user is refused with the fix', async () => {
  const { chmodSync, chownSync, mkdirSync, symlinkSync } = await import('node:fs');
  const refused = (stateDir: string, reason: RegExp, fix: RegExp) =>
    assert.throws(() => ensureStateDir(stateDir), (e: PitError) => e.code === 'PIT_E_STATE_DIR_UNSAFE' && reason.test(e.message) && fix.test(e.fix ?? ''));
  const open = join(makeProject(), '.pit');
  mkdirSync(open, { mode: 0o777 });
  chmodSync(open, 0o777);
  refused(open, /writable by its group or by others/, /^chmod 700 .*\.pit$/);
  const elsewhere = join(makeProject(), 'real');
  mkdirSync(elsewhere, { mode: 0o700 });
  const link = join(makeProject(), '.pit');
  symlinkSync(elsewhere, link);
  refused(link, /symbolic link/, /^remove the link/);
  if (process.getuid?.() === 0) {
    const theirs = join(makeProject(), '.pit');
    mkdirSync(theirs, { mode: 0o700 });
    chownSync(theirs, 65534, 65534);
    refused(theirs, /belongs to user 65534/, /chown/);
  } else assert.ok(!process.env.CI, 'CI runs as root, so the other-user case runs there');
  // Nothing of the engine's was created in a refused folder.
  assert.ok(!existsSync(join(open, 'logs')));
});

test('the engine refuses to start on an unsafe state directory, saying why', () => {
  const dir = makeProject({ 'pitfile.yaml': 'version: 1\nprocesses:\n  a: { command: ["node", "-e", "setInterval(() => {}, 1000)"] }\n' });
  mkdirSync(join(dir, '.pit'), { mode: 0o777 });
  chmodSync(join(dir, '.pit'), 0o777);
  const r = runEngine(['run'], dir);
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /PIT_E_STATE_DIR_UNSAFE/);
  assert.match(r.stderr, /chmod 700/);
});
