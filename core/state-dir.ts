// .pit/: where an engine keeps what it must remember between runs. Only the
// owner may read it: it holds pids and logs now, the socket and token later.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** The paths under a state directory. */
export function stateDirPaths(stateDir: string) {
  return {
    logs: join(stateDir, 'logs'),
    pids: join(stateDir, 'pids'),
    lock: join(stateDir, 'engine.lock'),
    socket: join(stateDir, 'engine.sock'),
    heartbeat: join(stateDir, 'engine.heartbeat'),
  };
}

/** The log file of process `name`. */
export const logPath = (stateDir: string, name: string) => join(stateDirPaths(stateDir).logs, `${name}.log`);

/** Create the state directory and its folders (mode 0700). */
export function ensureStateDir(stateDir: string): void {
  const p = stateDirPaths(stateDir);
  // The mode applies only to folders created here; an existing one the
  // user made keeps its mode (stateDir may be a folder they chose to share).
  for (const dir of [stateDir, p.logs, p.pids]) mkdirSync(dir, { recursive: true, mode: 0o700 });
}
