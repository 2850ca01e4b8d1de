// The Python environment a process really ran in, and the tool that
// installs into it. Looked for in the order that is most certain: the
// interpreter its command names, then its environment variables, then the
// project around its working directory.
import { existsSync, readFileSync } from 'node:fs';
import { basename, delimiter, dirname, join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import which from 'which';

export type Backend = 'pip' | 'conda' | 'poetry' | 'uv';

export interface PythonEnvironment {
  backend: Backend;
  /** The interpreter; what probe.ts asks. */
  python: string;
  /** sys.prefix-like root of the environment (a venv, a conda prefix), or the project for poetry/uv. */
  prefix: string;
  /** Where poetry / uv run (the folder of pyproject.toml). */
  project: string | null;
  /** How it was found, for the person reading the decision. */
  foundBy: string;
}

export interface ProcessSpec {
  command: string | string[];
  cwd: string;
  env: Record<string, string | undefined>;
}

const INTERPRETER = /^python(\d+(\.\d+)?)?$/;

/** The environment of `proc`; `backend` forces the installing tool (installer.backend). */
export function findEnvironment(proc: ProcessSpec, root: string, backend: Backend | 'auto' = 'auto'): PythonEnvironment {
  const found = locate(proc, root);
  const project = projectOf(proc.cwd, root);
  let chosen: Backend = found.conda ? 'conda' : 'pip';
  if (project?.kind === 'poetry' && !found.explicit) chosen = 'poetry';
  if (project?.kind === 'uv' && !found.explicit) chosen = 'uv';
  if (backend !== 'auto') chosen = backend;
  if (project && !found.explicit && (chosen === 'poetry' || chosen === 'uv')) {
    const python = projectPython(chosen, project.dir, proc.env);
    if (python) return { backend: chosen, python, prefix: dirname(dirname(python)), project: project.dir, foundBy: `the ${chosen} project in ${project.dir}` };
  }
  return { backend: chosen, python: found.python, prefix: found.prefix, project: project?.dir ?? null, foundBy: found.foundBy };
}

interface Located {
  python: string;
  prefix: string;
  conda: boolean;
  /** The command named this interpreter: it wins over a project's tool. */
  explicit: boolean;
  foundBy: string;
}

function locate(proc: ProcessSpec, root: string): Located {
  const argv = commandWords(proc.command);
  const first = argv[0] ?? '';
  const PATH = proc.env.PATH ?? process.env.PATH ?? '';
  const at = (python: string, foundBy: string, explicit: boolean): Located => {
    const prefix = dirname(dirname(python));
    return { python, prefix, conda: existsSync(join(prefix, 'conda-meta')), explicit, foundBy };
  };
  // 1. The command's interpreter, or a script inside an environment's bin/.
  if (INTERPRETER.test(basename(first))) {
    const path = first.includes('/') ? resolve(proc.cwd, first) : which.sync(first, { path: PATH, nothrow: true });
    if (path) return at(path, `the command runs ${first}`, true);
  } else if (first.includes('/') && existsSync(join(dirname(resolve(proc.cwd, first)), 'python'))) {
    return at(join(dirname(resolve(proc.cwd, first)), 'python'), `the command runs ${first} from an environment's bin/`, true);
  }
  // 2. What its environment says.
  if (proc.env.VIRTUAL_ENV) return at(join(proc.env.VIRTUAL_ENV, 'bin', 'python'), 'VIRTUAL_ENV', false);
  if (proc.env.CONDA_PREFIX) return at(join(proc.env.CONDA_PREFIX, 'bin', 'python'), 'CONDA_PREFIX', false);
  // 3. An environment beside its working directory or the pitfile.
  for (const dir of [proc.cwd, root]) {
    for (const name of ['.venv', 'venv']) {
      const python = join(dir, name, 'bin', 'python');
      if (existsSync(python)) return at(python, `${name}/ in ${dir}`, false);
    }
  }
  // 4. The first python3 on its PATH.
  for (const dir of PATH.split(delimiter)) {
    const python = join(dir, 'python3');
    if (dir && existsSync(python)) return at(python, `python3 on the process's PATH (${dir})`, false);
  }
  return at('python3', 'nothing more specific: python3', false);
}

/** The words of a command, as far as they can be known without a shell: env and VAR=value prefixes dropped. */
export function commandWords(command: string | string[]): string[] {
  const words = Array.isArray(command) ? [...command] : command.trim().split(/\s+/);
  while (words.length && (words[0] === 'env' || words[0] === 'exec' || /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0]))) words.shift();
  return words;
}

/** A Poetry project (pyproject.toml with [tool.poetry] and poetry.lock) or a uv project (uv.lock) around `cwd`. */
function projectOf(cwd: string, root: string): { kind: 'poetry' | 'uv'; dir: string } | null {
  for (const dir of [cwd, root]) {
    if (existsSync(join(dir, 'uv.lock'))) return { kind: 'uv', dir };
    const pyproject = join(dir, 'pyproject.toml');
    if (existsSync(join(dir, 'poetry.lock')) && existsSync(pyproject) && /^\[tool\.poetry\]/m.test(readFileSync(pyproject, 'utf8'))) return { kind: 'poetry', dir };
  }
  return null;
}

/** The interpreter of a poetry or uv project's own environment, if it has one yet. */
function projectPython(tool: 'poetry' | 'uv', dir: string, env: ProcessSpec['env']): string | null {
  if (tool === 'uv') {
    const python = join(dir, '.venv', 'bin', 'python');
    return existsSync(python) ? python : null;
  }
  try {
    const out = execFileSync('poetry', ['env', 'info', '--path'], { cwd: dir, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'ignore'] });
    // `env info --path`: Poetry 1.3 (Debian 12) has no --executable.
    const python = out.trim() && join(out.trim(), 'bin', 'python');
    return python && existsSync(python) ? python : null;
  } catch {
    return null;
  }
}
