// The argv that installs one distribution into an environment with that
// environment's own tool. An argv, never a shell line: the distribution
// has been checked against PEP 508 and is one word whatever it holds.
import type { PythonEnvironment } from './environment.js';

export interface CommandOptions {
  indexUrl: string | null;
  extraIndexUrls: string[];
  /** poetry add / uv add (edits pyproject.toml) instead of installing into the environment only. */
  editProject: boolean;
}

export interface InstallCommand {
  argv: string[];
  /** Where it runs: the project for poetry and uv. */
  cwd: string | null;
}

export function installCommand(env: PythonEnvironment, distribution: string, o: CommandOptions): InstallCommand {
  const pipIndexes = [...(o.indexUrl ? ['--index-url', o.indexUrl] : []), ...o.extraIndexUrls.flatMap((u) => ['--extra-index-url', u])];
  // --isolated: no pip.conf or PIP_* variable of the machine changes what is installed.
  const pip = ['install', '--isolated', '--disable-pip-version-check', '--no-input', ...pipIndexes, '--', distribution];
  switch (env.backend) {
    case 'pip':
      return { argv: [env.python, '-m', 'pip', ...pip], cwd: null };
    case 'conda':
      return { argv: ['conda', 'install', '--yes', '--prefix', env.prefix, '--', distribution], cwd: null };
    case 'poetry':
      return o.editProject
        ? { argv: ['poetry', 'add', '--no-interaction', distribution], cwd: env.project }
        : { argv: ['poetry', 'run', 'python', '-m', 'pip', ...pip], cwd: env.project };
    case 'uv':
      return o.editProject
        ? { argv: ['uv', 'add', ...uvIndexes(o), '--', distribution], cwd: env.project }
        : { argv: ['uv', 'pip', 'install', '--python', env.python, ...uvIndexes(o), '--', distribution], cwd: env.project };
  }
}

function uvIndexes(o: CommandOptions): string[] {
  return [...(o.indexUrl ? ['--default-index', o.indexUrl] : []), ...o.extraIndexUrls.flatMap((u) => ['--index', u])];
}
