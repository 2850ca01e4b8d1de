// Starting a child in its own process group. What Node would report as one
// ambiguous ENOENT (no cwd? no command? no interpreter for the script?) is
// told apart first, as PitErrors that say what to fix.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, closeSync, constants, openSync, readSync, statSync } from 'node:fs';
import { delimiter, resolve } from 'node:path';
import { errors } from '../errors.js';

export interface SpawnSpec {
  /** A string runs through /bin/sh -c; a list runs directly, without a shell. */
  command: string | string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
}

// What execvp searches when the child has no PATH (libuv does the same).
const defaultPath = '/usr/local/bin:/usr/bin:/bin';

/** Spawn `spec` as the leader of a new process group (pgid = pid), stdout and stderr piped. */
export function spawnProcess(spec: SpawnSpec): ChildProcess {
  if (!isDirectory(spec.cwd)) throw errors.PIT_E_PROCESS_CWD(spec.cwd);
  const [file, args, argv0] =
    typeof spec.command === 'string'
      ? ['/bin/sh', ['-c', spec.command], undefined]
      : [resolveExecutable(spec.command[0] ?? '', spec), spec.command.slice(1), spec.command[0]];
  if (typeof spec.command !== 'string') checkInterpreter(file, spec.cwd);
  try {
    // detached makes the child a session and group leader (setsid), so a
    // stop can signal the group and reach what a shell or a server forks.
    // argv0 keeps the name as written ("gunicorn", not its full path).
    return spawn(file, args, { cwd: spec.cwd, env: spec.env, argv0, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  } catch (e) {
    // Thrown, not emitted: a NUL byte in an argument or variable, E2BIG, …
    throw errors.PIT_E_PROCESS_SPAWN(file, (e as NodeJS.ErrnoException).code ?? (e as Error).message);
  }
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The file `name` runs as. Like execvp in the child, a name with "/" and
 * relative PATH entries resolve from the child's cwd, not the engine's.
 */
function resolveExecutable(name: string, spec: SpawnSpec): string {
  const found = findExecutable(name, spec.cwd, spec.env.PATH);
  if (found === null) throw errors.PIT_E_PROCESS_COMMAND_NOT_FOUND(name, name.includes('/'));
  return found;
}

/**
 * The file `name` would run as from `cwd` with `path` as PATH, or null;
 * stat and access only (engine validate checks commands with it, running nothing).
 */
export function findExecutable(name: string, cwd: string, path: string | undefined): string | null {
  if (!name) return null;
  const key = `${name}\0${cwd}\0${path ?? ''}`;
  if (lookups.has(key)) return lookups.get(key)!;
  // Kept until the event loop turns: a start-up of 100 `sleep`s, checked
  // then launched in turns of 20 ms, looks each up on PATH once a turn, not
  // 200 times (~8 stats each, ~17 ms of CPU), and a program installed or
  // removed later is seen at the next start, as without the cache.
  if (!lookups.size) setImmediate(() => lookups.clear()).unref();
  const found = lookUp(name, cwd, path);
  lookups.set(key, found);
  return found;
}

const lookups = new Map<string, string | null>();

function lookUp(name: string, cwd: string, path: string | undefined): string | null {
  const dirs = name.includes('/') ? [''] : (path ?? defaultPath).split(delimiter).map((d) => d || '.');
  for (const dir of dirs) {
    const candidate = resolve(cwd, dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return null;
}

function isExecutableFile(p: string): boolean {
  try {
    // stat first, without throwing: most PATH entries lack the command, and a thrown ENOENT costs ~5x a stat.
    if (!statSync(p, { throwIfNoEntry: false })?.isFile()) return false;
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * A script whose "#!" names a missing interpreter fails with ENOENT too, as
 * if the script itself were missing. The usual culprit is a script saved
 * with Windows line endings: its interpreter is "/bin/sh\r".
 */
function checkInterpreter(file: string, cwd: string): void {
  const head = Buffer.alloc(256);
  let n = 0;
  try {
    const fd = openSync(file, 'r');
    try {
      n = readSync(fd, head, 0, head.length, 0);
    } finally {
      closeSync(fd);
    }
  } catch {
    return; // unreadable but executable: let exec decide
  }
  if (n < 3 || head[0] !== 0x23 || head[1] !== 0x21) return; // no "#!"
  const end = head.indexOf(0x0a);
  const line = head.toString('latin1', 2, end === -1 ? n : end);
  const interpreter = line.trimStart().split(/[ \t]/)[0];
  if (interpreter && !isExecutableFile(resolve(cwd, interpreter))) throw errors.PIT_E_PROCESS_INTERPRETER(file, interpreter);
}
