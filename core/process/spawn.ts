// Starting a child in its own process group, with the problems Node would
// report as one ambiguous ENOENT (no cwd? no command?) told apart first.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { errors } from '../errors.js';

export interface SpawnSpec {
  /** A string runs through /bin/sh -c; a list runs directly. */
  command: string | string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** Spawn `spec` as the leader of a new process group (pgid = pid). */
export function spawnProcess(spec: SpawnSpec): ChildProcess {
  if (!isDirectory(spec.cwd)) throw errors.PIT_E_PROCESS_CWD(spec.cwd);
  const [file, args] =
    typeof spec.command === 'string' ? ['/bin/sh', ['-c', spec.command]] : [resolveExecutable(spec.command[0], spec.env), spec.command.slice(1)];
  // detached puts the child in its own group, so a stop can signal the
  // group and reach the grandchildren a shell or a server forks.
  return spawn(file, args, { cwd: spec.cwd, env: spec.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** The path `name` runs as, searched in the child's PATH when it has no "/". */
function resolveExecutable(name: string, env: NodeJS.ProcessEnv): string {
  const candidates = name.includes('/') ? [name] : (env.PATH ?? '').split(delimiter).filter(Boolean).map((d) => join(d, name));
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      if (statSync(c).isFile()) return c;
    } catch { /* try the next */ }
  }
  throw errors.PIT_E_PROCESS_COMMAND_NOT_FOUND(name, name.includes('/'));
}
