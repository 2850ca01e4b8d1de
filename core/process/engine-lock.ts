// One engine per project: <stateDir>/engine.lock holds the holder's pid and
// start time. A lock whose holder is dead, or whose pid now belongs to
// another program (another start time), is stale and taken over.
import { closeSync, linkSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { errors } from '../errors.js';
import { readProcStat } from './proc-stat.js';
import { stateDirPaths } from '../state-dir.js';

export interface EngineLock {
  /** Remove the lock, if it is still ours. */
  release(): void;
  /** The pid of the dead engine whose stale lock was taken over. */
  tookOverFrom?: number;
}

interface Holder {
  pid: number;
  startTime: number;
}

/** Take the project's engine lock, or throw PIT_E_ENGINE_RUNNING naming the holder's pid. */
export function acquireEngineLock(stateDir: string): EngineLock {
  const file = stateDirPaths(stateDir).lock;
  const mine = JSON.stringify({ pid: process.pid, startTime: readProcStat(process.pid)?.startTime ?? 0 } satisfies Holder);
  let tookOverFrom: number | undefined;
  for (let attempt = 0; attempt < 5; attempt++) {
    if (create(file, mine)) return { release: () => releaseIfMine(file, mine), tookOverFrom };
    const seen = readSettled(file);
    if (seen === null) continue; // released meanwhile: try again
    const holder = parseHolder(seen);
    if (holder && isRunning(holder)) throw errors.PIT_E_ENGINE_RUNNING(holder.pid);
    if (removeIfStill(file, seen)) tookOverFrom = holder?.pid;
  }
  // Engines racing for the same stale lock all this time: one of them holds it.
  const holder = parseHolder(readSettled(file) ?? '');
  throw errors.PIT_E_ENGINE_RUNNING(holder?.pid ?? 0);
}

/** O_EXCL: of two engines starting at once, exactly one creates the file. */
function create(file: string, text: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  try {
    writeSync(fd, text);
  } catch (e) {
    // A full disk: the file exists but holds no pid. Left there, it would
    // look like a lock being taken; it goes, and the engine does not start
    // (it could not tell a later engine it runs).
    rmSync(file, { force: true });
    throw errors.PIT_E_ENGINE_LOCK_WRITE(file, (e as NodeJS.ErrnoException).code ?? String(e));
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * The lock's text, or null when there is none. Between another engine's
 * O_EXCL create and its write the file is empty: that is a lock being
 * taken, not a stale one, so an empty or cut file younger than a second is
 * read again.
 */
function readSettled(file: string): string | null {
  for (;;) {
    let text: string;
    let ageMs: number;
    try {
      text = readFileSync(file, 'utf8');
      ageMs = Date.now() - statSync(file).mtimeMs;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
    if (parseHolder(text) || ageMs > 1000) return text;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
  }
}

/** The pid of the engine holding `stateDir`'s lock and still running (one starting, before its control API listens), else null. */
export function runningLockHolder(stateDir: string): number | null {
  let text: string;
  try {
    text = readFileSync(stateDirPaths(stateDir).lock, 'utf8');
  } catch {
    return null;
  }
  const holder = parseHolder(text);
  return holder && isRunning(holder) ? holder.pid : null;
}

function parseHolder(text: string): Holder | null {
  try {
    const h = JSON.parse(text);
    return Number.isInteger(h?.pid) && h.pid > 0 ? { pid: h.pid, startTime: Number(h.startTime) } : null;
  } catch {
    return null;
  }
}

function isRunning(h: Holder): boolean {
  const st = readProcStat(h.pid);
  return st !== null && st.state !== 'Z' && st.startTime === h.startTime;
}

/**
 * Remove the stale lock only if it still holds `seen`: two engines may judge
 * the same lock stale, and the slower must not delete the lock the faster
 * has just created. The rename is atomic, so what it moved can be checked.
 */
function removeIfStill(file: string, seen: string): boolean {
  const aside = `${file}.stale.${process.pid}`;
  try {
    renameSync(file, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
  const moved = readFileSync(aside, 'utf8');
  if (moved !== seen) {
    // Someone else's fresh lock: put it back (link fails if yet another appeared).
    try {
      linkSync(aside, file);
    } catch { /* a newer lock is in place: that one wins */ }
  }
  rmSync(aside, { force: true });
  return moved === seen;
}

function releaseIfMine(file: string, mine: string): void {
  try {
    if (readFileSync(file, 'utf8') === mine) rmSync(file, { force: true });
  } catch { /* already gone */ }
}
