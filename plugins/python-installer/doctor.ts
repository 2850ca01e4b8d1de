// engine doctor's checks that python-installer adds (its `doctor`): the
// package index it installs from answers, and, per process that runs
// Python, its environment is found and the tool that installs into it is
// usable. Those run the interpreter a process names, the project's code,
// which inspecting never runs unasked (--deep).
import { execFile } from 'node:child_process';
import { redactUrl, type CheckResult, type DoctorInputs, type Pitfile } from '../../core/index.js';
import { isPythonCommand } from '../shared/python-command.js';
import { installerConfig } from './config.js';
import { findEnvironment } from './environment.js';

/** The package index check, then one check per Python process. */
export async function installerChecks(inputs: DoctorInputs, pitfile: Pitfile | null): Promise<CheckResult[]> {
  const [index, environments] = await Promise.all([packageIndex(pitfile), pythonEnvironments(inputs, pitfile)]);
  return [index, ...environments];
}

/** installer.index_url answers (pip's default index, PyPI, is not checked). */
async function packageIndex(pitfile: Pitfile | null): Promise<CheckResult> {
  if (!pitfile) return { check: 'package index', status: 'skip', detail: 'needs a valid pitfile' };
  const raw = installerConfig(pitfile).indexUrl;
  if (!raw) return { check: 'package index', status: 'ok', detail: 'installer.index_url not set: pip installs from its default index (PyPI), not checked here; set it to use a mirror' };
  // fetch refuses a URL with credentials: they go in a header, and never into what is printed.
  const url = redactUrl(raw);
  const parsed = new URL(raw);
  const auth = parsed.username ? `Basic ${Buffer.from(`${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`).toString('base64')}` : null;
  parsed.username = parsed.password = '';
  try {
    const res = await fetch(parsed, { signal: AbortSignal.timeout(5000), redirect: 'follow', headers: auth ? { authorization: auth } : {} });
    await res.body?.cancel();
    return res.ok
      ? { check: 'package index', status: 'ok', detail: `${url} answers ${res.status}` }
      : { check: 'package index', status: 'warn', detail: `${url} answers ${res.status}`, fix: 'check installer.index_url: a PEP 503 simple index lists projects at its root' };
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).name;
    return {
      check: 'package index',
      status: 'fail',
      detail: `${url} is not reachable (${cause})`,
      fix: 'check installer.index_url, the network, and any proxy (HTTPS_PROXY); self-healing installs fail until it answers',
    };
  }
}

/** One check per Python process; one skipped check without a pitfile, or without --deep. */
async function pythonEnvironments(inputs: DoctorInputs, pitfile: Pitfile | null): Promise<CheckResult[]> {
  if (!pitfile) return [{ check: 'python', status: 'skip', detail: 'needs a valid pitfile' }];
  const python = Object.values(pitfile.processes).filter((p) => isPythonCommand(p.command));
  if (python.length && !inputs.deep) {
    return [{ check: 'python', status: 'skip', detail: `${python.length} Python process${python.length === 1 ? '' : 'es'} not checked: that runs their interpreters`, fix: 'engine doctor --deep' }];
  }
  return Promise.all(
    python.map(async (p): Promise<CheckResult> => {
      const check = `python ${p.name}`;
      const env = findEnvironment({ command: p.command, cwd: p.cwd, env: { ...inputs.env, ...p.env } }, pitfile.root, installerConfig(pitfile).backend);
      const where = `${env.python} (${env.foundBy}), installs with ${env.backend}`;
      const runs = await succeeds(env.python, ['-c', 'pass']);
      if (!runs) return { check, status: 'fail', detail: `${env.python} does not run (${env.foundBy})`, fix: `create the environment (python3 -m venv .venv), or fix the command of ${p.name}` };
      const tool = env.backend === 'pip' ? await succeeds(env.python, ['-m', 'pip', '--version']) : inputs.which(env.backend) !== null;
      if (!tool) {
        const fix = env.backend === 'pip' ? `${env.python} -m ensurepip` : `install ${env.backend}, or set installer.backend`;
        return { check, status: 'fail', detail: `${where}, but ${env.backend} is not usable there`, fix };
      }
      return { check, status: 'ok', detail: where };
    }),
  );
}

function succeeds(file: string, args: string[]): Promise<boolean> {
  return new Promise((resolve) => execFile(file, args, { timeout: 15_000 }, (err) => resolve(!err)));
}
