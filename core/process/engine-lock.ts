// One engine per project: a lock file with the holder's pid and start time.
// A lock whose holder is dead (or whose pid now belongs to another program)
// is stale and taken over.
import { openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import { errors } from '../errors.js';
import { readProcStat } from './proc-stat.js';
import { stateDirPaths } from '../state-dir.js';

export interface EngineLock {
  release(): void;
  /** The pid of the dead engine whose stale lock was taken over. */
  tookOverFrom?: number;
}

/** Take the project's engine lock, or throw PIT_E_ENGINE_RUNNING with the holder's pid. */
export function acquireEngineLock(stateDir: string): EngineLock {
  const file = stateDirPaths(stateDir).lock;
  const me = { pid: process.pid, startTime: readProcStat(process.pid)?.startTime ?? 0 };
  let tookOverFrom: number | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      // O_EXCL: of two engines starting at once, exactly one creates it.
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, JSON.stringify(me));
      closeSync(fd);
      return { release: () => rmSync(file, { force: true }), tookOverFrom };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let holder: { pid: number; startTime: number } | null = null;
    try {
      holder = JSON.parse(readFileSync(file, 'utf8'));
    } catch { /* unreadable or half written: stale */ }
    const stat = holder ? readProcStat(holder.pid) : null;
    if (holder && stat && stat.startTime === holder.startTime && stat.state !== 'Z') throw errors.PIT_E_ENGINE_RUNNING(holder.pid);
    tookOverFrom = holder?.pid;
    rmSync(file, { force: true });
  }
  throw errors.PIT_E_ENGINE_RUNNING(0);
}
