// The engine in a delegated cgroup v2 subtree (what `engine service install`
// sets up with Delegate=yes): made here by hand, as root, by creating a
// cgroup and starting the engine inside it with PIT_CGROUP=delegated.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { makeProject } from '../helpers/project.js';
import { node, engineArgs, runEngineAsync } from '../helpers/cli.js';
import { fixture } from '../helpers/paths.js';
import { isAlive, pidsWithArgv, uniqueMarker } from '../helpers/proc.js';
import { until, within } from '../helpers/wait.js';
import { delegatedCgroup } from '../../core/process/cgroup.js';

/** The cgroup v2 mount point, when this process may create cgroups there (root, cgroup2 mounted). */
function cgroupRoot(): string | null {
  const line = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').find((l) => l.split(' - ')[1]?.startsWith('cgroup2 '));
  if (!line || process.getuid?.() !== 0) return null;
  const mount = line.split(' - ')[0].split(' ')[4];
  const own = readFileSync('/proc/self/cgroup', 'utf8').match(/^0::(\/.*)$/m)?.[1] ?? '/';
  return join(mount, own);
}

const root = cgroupRoot();
// Under CI it runs whatever the machine, so a missing cgroup v2 fails there instead of passing unseen.
const skip = root || process.env.CI ? false : 'needs root and a cgroup v2 mount to make a delegated subtree';

test('in a delegated cgroup, a double-forked descendant with a cleaned environment is ended on stop and shutdown', { skip }, async () => {
  assert.ok(root, 'needs root and a cgroup v2 mount to make a delegated subtree');
  const home = join(root!, `pit-test-${process.pid}-${Date.now()}`);
  mkdirSync(home);
  const marker = uniqueMarker('cgroup');
  const cmd = JSON.stringify(['python3', fixture('programs', 'escape-session.py'), marker, 'hidden']);
  const dir = makeProject({ 'pitfile.yaml': `version: 1\nprocesses:\n  esc: { command: ${cmd}, stop: { timeout: 2s } }\n` });
  // The shell steps into the cgroup, then becomes the engine.
  const engine = spawn('/bin/sh', ['-c', 'echo $$ > "$0/cgroup.procs" && shift && exec "$@"', home, 'x', node, ...engineArgs, 'run'], {
    cwd: dir,
    env: { ...process.env, CI: '1', PIT_CGROUP: 'delegated' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  engine.stdout!.on('data', (d) => (text += d));
  engine.stderr!.on('data', (d) => (text += d));
  const exited = new Promise<number | null>((r) => engine.once('exit', (code) => r(code)));
  after(async () => {
    engine.kill('SIGKILL');
    for (const pid of pidsWithArgv(marker)) process.kill(pid, 'SIGKILL');
    await until(() => pidsWithArgv(marker).length === 0, 5000, 'the leftovers to die').catch(() => {});
    try {
      for (const d of readdirSync(home, { withFileTypes: true })) if (d.isDirectory()) rmdirSync(join(home, d.name));
      rmdirSync(home);
    } catch {
      /* still populated: reported by the assertions above */
    }
  });
  const escapeeLine = async () => {
    for (;;) {
      const m = text.match(/esc\s+\| escapee (\d+)/g);
      if (m?.length) return Number(m.at(-1)!.split(' ').at(-1));
      await new Promise((r) => engine.stdout!.once('data', r));
    }
  };
  const escapee = await within(escapeeLine(), 15_000, () => `the escapee's pid; got:\n${text}`);
  await until(() => pidsWithArgv(marker).includes(escapee), 5000, 'the escapee to exec'); // it reports its pid just before
  assert.match(readFileSync(`/proc/${escapee}/cgroup`, 'utf8'), new RegExp(`^0::.*/pit-test-[^/]+/run-[0-9a-f]+$`, 'm'), 'the escapee is in its run\'s cgroup');
  assert.doesNotMatch(readFileSync(`/proc/${escapee}/environ`, 'latin1'), /PIT_RUN=/, 'no marker to find it by');
  assert.match(readFileSync(`/proc/${engine.pid}/cgroup`, 'utf8'), new RegExp(`^0::.*/pit-test-[^/]+$`, 'm'), 'the engine stepped back out of the run\'s cgroup');

  const r = await runEngineAsync(['stop', 'esc'], dir);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(isAlive(escapee), false, 'cgroup.kill ended it with its run');
  assert.deepEqual(pidsWithArgv(marker), []);
  assert.deepEqual(readdirSync(home, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name), [], 'the run\'s cgroup is removed');

  assert.equal((await runEngineAsync(['start', 'esc'], dir)).status, 0);
  const second = await within(
    (async () => {
      for (;;) {
        const n = await escapeeLine();
        if (n !== escapee) return n;
        await new Promise((r) => engine.stdout!.once('data', r));
      }
    })(),
    15_000,
    'the second run\'s escapee',
  );
  assert.equal((await runEngineAsync(['shutdown'], dir)).status, 0);
  assert.equal(await within(exited, 15_000, 'the engine to exit'), 0);
  assert.equal(isAlive(second), false);
  assert.deepEqual(pidsWithArgv(marker), [], 'nothing is left after shutdown');
});

test('without PIT_CGROUP=delegated the engine uses no cgroup, and says why', () => {
  const d = delegatedCgroup({});
  assert.equal(d.dir, null);
  assert.match('why' in d ? d.why : '', /PIT_CGROUP=delegated is not set/);
});
