// engine doctor's Python checks, which python-installer adds (its `doctor`):
// one per process that runs Python, its environment found and the tool that
// installs into it usable. Each runs the interpreter a process names, the
// project's code, which inspecting never runs unasked (--deep).
import { execFile } from 'node:child_process';
import type { CheckResult, DoctorInputs, Pitfile } from '../../core/index.js';
import { isPythonCommand } from '../shared/python-command.js';
import { findEnvironment } from './environment.js';

/** One check per Python process; one skipped check without a pitfile, or without --deep. */
export async function pythonEnvironments(inputs: DoctorInputs, pitfile: Pitfile | null): Promise<CheckResult[]> {
  if (!pitfile) return [{ check: 'python', status: 'skip', detail: 'needs a valid pitfile' }];
  const python = Object.values(pitfile.processes).filter((p) => isPythonCommand(p.command));
  if (python.length && !inputs.deep) {
    return [{ check: 'python', status: 'skip', detail: `${python.length} Python process${python.length === 1 ? '' : 'es'} not checked: that runs their interpreters`, fix: 'engine doctor --deep' }];
  }
  return Promise.all(
    python.map(async (p): Promise<CheckResult> => {
      const check = `python ${p.name}`;
      const env = findEnvironment({ command: p.command, cwd: p.cwd, env: { ...inputs.env, ...p.env } }, pitfile.root, pitfile.installer.backend);
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
