// What engine run gives a process from the shell that started it, carried
// into the targets that run on a host (systemd, supervisord), and said where
// a container target cannot carry it. Under engine run a bare "python3" is
// looked up in the shell's PATH, often a virtual environment's bin/. systemd
// looks an ExecStart= program up in its own fixed path, and supervisord in
// its own environment's PATH, not the program's: the same name becomes
// another interpreter and the process crash-loops on a missing module. So
// the target gets the shell's PATH (for what a shell command runs), and an
// interpreter named bare in a list command gets the absolute path engine
// run would have found.
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { findExecutable } from '../process/spawn.js';
import type { ProcessConfig } from '../model/pitfile.js';
import { referencesIn } from './shell-reference.js';

/** The directories a target searches by itself (systemd's fixed path; a container's usual PATH). */
const STANDARD_DIRS = new Set(['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin']);
/** Interpreters whose version decides what a program can import: always pinned. */
const INTERPRETER = /^(python[0-9.]*|pypy[0-9.]*|node|nodejs|deno|bun|ruby|perl)$/;

/** The PATH a process runs with under engine run: its own env's when it sets one, else the shell's. */
export function pathFor(p: Pick<ProcessConfig, 'env'>, shellPath: string): string {
  const own = p.env.PATH;
  return own !== undefined && !referencesIn(own).length ? own : shellPath;
}

/** A list command's first word, and where engine run would find it (null: not found, or not a bare name). */
export function resolveProgram(command: string | string[], cwd: string, path: string): { program: string; file: string | null } | null {
  if (!Array.isArray(command)) {
    // A shell command: its first word, for the container warning only (the shell itself uses PATH).
    const first = /^\s*([A-Za-z0-9_.+-]+)(\s|$)/.exec(command)?.[1];
    return first ? { program: first, file: findExecutable(first, cwd, path) } : null;
  }
  const program = command[0] ?? '';
  if (!program || program.includes('/') || referencesIn(program).length) return null;
  return { program, file: findExecutable(program, cwd, path) };
}

/**
 * The argv a host target runs: a bare interpreter, or a program the target
 * would not find by itself, as the absolute path engine run would use.
 */
export function hostArgv(who: string, command: string | string[], argv: string[], cwd: string, path: string, warnings: string[]): string[] {
  if (!Array.isArray(command)) return argv;
  const found = resolveProgram(command, cwd, path);
  if (!found) return argv;
  if (!found.file) {
    warnings.push(`${who}: "${found.program}" is not on your PATH, so the target looks it up in its own`);
    return argv;
  }
  const pin = INTERPRETER.test(found.program) || !STANDARD_DIRS.has(dirname(found.file));
  return pin ? [found.file, ...argv.slice(1)] : argv;
}

/**
 * For a container target: a warning when engine run would take the program
 * from outside the usual directories (a virtual environment, ~/.local/bin),
 * which the image does not have unless it is built so.
 */
export function containerProgramWarning(p: ProcessConfig, path: string, target: string): string | null {
  const found = resolveProgram(p.command, p.cwd, pathFor(p, path));
  if (!found?.file || STANDARD_DIRS.has(dirname(found.file))) return null;
  return `${p.name}: engine run finds "${found.program}" at ${found.file}; in ${target} it is the image's own (its PATH): build the image with it`;
}

/** The open-files limit this process has, which engine run's children inherit (Node has raised its soft limit to the hard one). */
export function openFilesLimit(): number | null {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
    const soft = line?.split(/\s{2,}/)[1];
    return soft && /^\d+$/.test(soft) ? Number(soft) : null;
  } catch {
    return null;
  }
}
