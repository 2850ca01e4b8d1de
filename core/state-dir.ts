// .pit/: where an engine keeps what it must remember between runs. Only the
// owner may read it: it holds pids now, and the socket and token later.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** The paths under a state directory. */
export function stateDirPaths(stateDir: string) {
  return {
    logs: join(stateDir, 'logs'),
    pids: join(stateDir, 'pids'),
    lock: join(stateDir, 'engine.lock'),
  };
}

/** Create the state directory and its folders (mode 0700). */
export function ensureStateDir(stateDir: string): void {
  const p = stateDirPaths(stateDir);
  for (const dir of [stateDir, p.logs, p.pids]) mkdirSync(dir, { recursive: true, mode: 0o700 });
}
