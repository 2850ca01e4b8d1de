// What a pitfile needs from this machine, checked before anything runs: each
// process's cwd, the program its command names, files for each watcher, a
// cpu limit the cores can reach. Only stat and PATH lookups: inspecting a
// pitfile never runs the project's code. A process that waits for others
// (depends_on) may find its cwd or program made by them: then a missing one
// is a warning, not an error.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import picomatch from 'picomatch';
import { errors, displayPath } from '../errors.js';
import type { FileWatcherConfig, Pitfile, ProcessConfig } from '../model/pitfile.js';
import { findExecutable } from '../process/spawn.js';
import { readEnvFile } from '../process/env-file.js';
import { expandWatchPaths } from '../watchers/watch-scope.js';
import type { Problem } from './validate.js';

export interface MachineFacts {
  /** The environment the engine would pass on (PATH). */
  env: NodeJS.ProcessEnv;
  cores: number;
}

/** Every problem of `pitfile` on this machine; warnings carry `warning: true`. */
export function checkMachine(pitfile: Pitfile, facts: MachineFacts): Problem[] {
  return [
    ...Object.values(pitfile.processes).flatMap((p) => checkProcess(p, pitfile.root, facts)),
    ...Object.entries(pitfile.watchers).flatMap(([name, w]) => (w.kind === 'file' ? checkWatchPaths(name, w, pitfile.settings.stateDir) : [])),
  ];
}

function checkProcess(p: ProcessConfig, root: string, facts: MachineFacts): Problem[] {
  const at = (...k: (string | number)[]) => ['processes', p.name, ...k];
  const waits = Object.keys(p.dependsOn).length > 0;
  const out: Problem[] = [];
  if (!isDirectory(p.cwd)) {
    out.push({ path: at('cwd'), error: errors.PIT_E_CONFIG_CWD_MISSING(displayPath(p.cwd, root)), ...(waits ? { warning: true } : {}) });
    return out; // a program is looked up from the cwd
  }
  const program = typeof p.command === 'string' ? shellProgram(p.command) : p.command[0];
  if (program && findExecutable(program, p.cwd, pathOf(p, facts.env)) === null) {
    const where = program.includes('/') ? `cwd ${displayPath(p.cwd, root) || '.'}` : `PATH=${pathOf(p, facts.env) ?? ''}`;
    // A shell command may set PATH, source a file or define a function first: only a warning.
    const warning = typeof p.command === 'string' || waits;
    out.push({ path: typeof p.command === 'string' ? at('command') : at('command', 0), error: errors.PIT_E_CONFIG_PROGRAM_NOT_FOUND(program, program.includes('/'), where), ...(warning ? { warning: true } : {}) });
  }
  const cpu = p.limits?.cpuPercent;
  if (cpu != null && cpu > facts.cores * 100) out.push({ path: at('limits', 'cpu'), error: errors.PIT_E_CONFIG_CPU_OVER_CORES(cpu, facts.cores), warning: true });
  return out;
}

/** The PATH the process gets: its env, then its env files, then the engine's. */
function pathOf(p: ProcessConfig, env: NodeJS.ProcessEnv): string | undefined {
  if (p.env.PATH !== undefined) return p.env.PATH;
  for (const file of [...p.envFiles].reverse()) {
    try {
      const vars = readEnvFile(file);
      if (vars.PATH !== undefined) return vars.PATH;
    } catch { /* a missing env file is reported when the process starts */ }
  }
  return env.PATH;
}

/** Shell words that are not programs on PATH. */
const shellWords = new Set(['cd', 'exec', 'export', 'source', '.', 'if', 'for', 'while', 'until', 'case', 'set', 'unset', 'test', '[', 'echo', 'printf', 'true', 'false', 'exit', 'trap', 'ulimit', 'umask', 'wait', 'eval', 'read', 'command', 'type', 'kill', ':', '{', '(', '!', 'sleep', 'nohup', 'env', 'time']);

/**
 * The program a shell command starts with, when it plainly names one
 * ("python app.py", "PORT=8000 gunicorn app:app"); null when the shell
 * decides (a builtin, a variable, a subshell, quoting).
 */
export function shellProgram(command: string): string | null {
  const words = command.trim().split(/\s+/);
  let i = 0;
  while (i < words.length && /^[A-Za-z_][A-Za-z0-9_]*=\S*$/.test(words[i])) i++;
  const first = words[i] ?? '';
  if (!/^[A-Za-z0-9_./+-]+$/.test(first) || shellWords.has(first)) return null;
  return first;
}

function isDirectory(p: string): boolean {
  return statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

/** Directory entries looked at per watch path before giving up (a huge tree: no warning, rather than a slow validate). */
const SCAN_BUDGET = 20_000;

function checkWatchPaths(name: string, w: FileWatcherConfig, stateDir: string): Problem[] {
  const isIgnored = w.ignore.length ? picomatch(w.ignore, { dot: true }) : () => false;
  return w.paths.flatMap((written, i) => {
    const globs = expandWatchPaths([written]);
    const isMatch = picomatch(globs, { dot: true });
    const bases = [...new Set(globs.map((g) => picomatch.scan(g).base))];
    const found = bases.some((base) => hasMatch(w.root, base, isMatch, isIgnored, stateDir));
    return found ? [] : [{ path: ['watchers', name, 'paths', i], error: errors.PIT_E_CONFIG_WATCH_MATCHES_NOTHING(written), warning: true }];
  });
}

/** Whether any file at or below `base` (relative to `root`) matches; true when the budget runs out. */
function hasMatch(root: string, base: string, isMatch: (r: string) => boolean, isIgnored: (r: string) => boolean, stateDir: string): boolean {
  let budget = SCAN_BUDGET;
  const stack = [base];
  while (stack.length) {
    const rel = stack.pop()!;
    const abs = join(root, rel);
    if (abs === stateDir) continue;
    const st = statSync(abs, { throwIfNoEntry: false });
    if (!st) continue;
    if (rel && isMatch(rel) && !isIgnored(rel)) return true;
    if (!st.isDirectory()) continue;
    let names: string[];
    try {
      names = readdirSync(abs);
    } catch {
      continue;
    }
    for (const n of names) {
      if (--budget <= 0) return true;
      const child = rel ? `${rel}/${n}` : n;
      if (!isIgnored(child)) stack.push(child);
    }
  }
  return false;
}
