// The PATH, interpreter and open-files limit engine run gives a process,
// carried into the host targets by `engine export`: a unit's PATH is the
// exporting shell's, and a bare python3 is the one that shell finds, not
// the one systemd or supervisord would find by itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeProject } from '../helpers/project.js';
import { runEngine } from '../helpers/cli.js';
import { until } from '../helpers/wait.js';
import { needs } from '../helpers/tools.js';
import { openFilesLimit } from '../../core/export/host-command.js';

/** A project whose PATH starts with a virtual environment holding its own python3 and a tool, as a developer's shell has it. */
function venvProject() {
  const dir = makeProject({
    'pitfile.yaml': `version: 1
processes:
  app: { command: ["python3", "app.py"] }
  tool: { command: ["mytool", "--serve"] }
  shell: { command: "python3 app.py" }
  plain: { command: ["sleep", "300"] }
export: { image: python:3.12-slim }
`,
  });
  mkdirSync(join(dir, 'venv', 'bin'), { recursive: true });
  // The venv's python3 says which it is and with which PATH, then stays up.
  for (const name of ['python3', 'mytool']) {
    writeFileSync(join(dir, 'venv', 'bin', name), `#!/bin/sh\necho "$0 PATH=$PATH" > "${dir}/ran-${name}.txt"\nexec sleep 300\n`);
    chmodSync(join(dir, 'venv', 'bin', name), 0o755);
  }
  const path = `${join(dir, 'venv', 'bin')}:/usr/local/bin:/usr/bin:/bin`;
  return { dir, path, env: { ...process.env, PATH: `${path}` } };
}

const exported = (dir: string, target: string, env: NodeJS.ProcessEnv) => {
  const out = join(dir, 'out', target);
  const r = runEngine(['export', target, '--out', out], dir, env);
  assert.equal(r.status, 0, r.stderr);
  return { r, files: Object.fromEntries(readdirSync(out).map((f) => [f, readFileSync(join(out, f), 'utf8')])) };
};

test("an exported unit's PATH is the exporting shell's, and a bare interpreter is the one that shell finds", { skip: needs('systemd-analyze') }, () => {
  const { dir, path, env } = venvProject();
  const { files } = exported(dir, 'systemd', env);
  const unit = (name: string) => files[`${dir.split('/').pop()}-${name}.service`].split('\n');
  // What engine run would run: the shell's own lookup of python3 with that PATH.
  const python = spawnSync('sh', ['-c', 'command -v python3'], { env, encoding: 'utf8' }).stdout.trim();
  assert.equal(python, join(dir, 'venv', 'bin', 'python3'));
  for (const name of ['app', 'tool', 'shell', 'plain']) assert.ok(unit(name).includes(`Environment="PATH=${path}"`), `${name}: the shell's PATH`);
  assert.ok(unit('app').includes(`ExecStart="${python}" "app.py"`), 'python3 pinned to the venv one');
  assert.ok(unit('tool').includes(`ExecStart="${join(dir, 'venv', 'bin', 'mytool')}" "--serve"`), 'a program outside systemd\'s own path is pinned too');
  assert.ok(unit('shell').includes('ExecStart="/bin/sh" "-c" "python3 app.py"'), 'a shell command finds python3 through PATH, as under engine run');
  assert.ok(unit('plain').includes('ExecStart="sleep" "300"'), 'a program systemd finds the same way is left as written');
  assert.ok(!unit('app').some((l) => /^ExecStart="python3"/.test(l)), 'never the bare name systemd would look up itself');
  const limit = openFilesLimit();
  assert.ok(limit && limit > 0);
  assert.ok(unit('app').includes(`LimitNOFILE=${limit}`), "the open-files limit engine run's children have");
  const units = Object.fromEntries(Object.entries(files).filter(([f]) => f.endsWith('.service') || f.endsWith('.target')));
  const dirOut = makeProject(units);
  const verify = spawnSync('systemd-analyze', ['verify', '--man=no', ...Object.keys(units).map((f) => join(dirOut, f))], { encoding: 'utf8' });
  assert.equal(verify.status, 0, verify.stderr);
});

test('supervisord runs the interpreter engine run would, with the shell\'s PATH', { skip: needs('supervisord') }, async () => {
  const { dir, path, env } = venvProject();
  const { files } = exported(dir, 'supervisord', env);
  const conf = files['supervisord.conf'];
  assert.match(conf, new RegExp(`^environment=PATH="${path}"$`, 'm'));
  assert.match(conf, new RegExp(`^command='${join(dir, 'venv', 'bin', 'python3')}' 'app\\.py'$`, 'm'));
  assert.match(conf, new RegExp(`^minfds=${openFilesLimit()}$`, 'm'));
  // A real supervisord, started from a shell whose PATH lacks the venv: what it runs must not depend on that.
  const svDir = join(dir, 'sv');
  mkdirSync(svDir);
  writeFileSync(join(svDir, 'supervisord.conf'), conf);
  const bare = { ...process.env, PATH: '/usr/local/bin:/usr/bin:/bin' };
  const daemon = spawn('supervisord', ['-c', join(svDir, 'supervisord.conf')], { stdio: 'ignore', env: bare });
  const ctl = (...args: string[]) => spawnSync('supervisorctl', ['-c', join(svDir, 'supervisord.conf'), ...args], { encoding: 'utf8', env: bare });
  try {
    await until(() => ['python3', 'mytool'].every((n) => existsSync(join(dir, `ran-${n}.txt`))), 20_000, 'the venv programs ran');
    const ran = readFileSync(join(dir, 'ran-python3.txt'), 'utf8').trim();
    assert.equal(ran, `${join(dir, 'venv', 'bin', 'python3')} PATH=${path}`, 'the venv python3, with the exporting shell\'s PATH');
    await until(() => /app +RUNNING/.test(ctl('status').stdout), 10_000, 'app RUNNING');
  } finally {
    ctl('shutdown');
    daemon.kill('SIGKILL');
  }
});

test('a container target says where engine run found a program the image must provide', () => {
  const { dir, env } = venvProject();
  for (const [target, name] of [['compose', 'Compose'], ['kubernetes', 'Kubernetes']]) {
    const { r } = exported(dir, target, env);
    assert.match(r.stderr, new RegExp(`warning: app: engine run finds "python3" at ${join(dir, 'venv', 'bin', 'python3')}; in ${name} it is the image's own`));
    assert.match(r.stderr, /warning: shell: engine run finds "python3"/, 'a shell command\'s first word too');
    assert.doesNotMatch(r.stderr, /plain: engine run finds/, 'sleep is where every image has it');
  }
});
