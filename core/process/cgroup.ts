// Delegated cgroup v2: where the engine owns a cgroup subtree (a systemd
// service with Delegate=yes, which also sets PIT_CGROUP=delegated), each
// run gets its own cgroup. A process cannot leave a cgroup the way it leaves
// a process group: setsid(), double forks and cleaned environments all stay
// inside, and cgroup.kill (Linux 5.14+) ends every one of them at once.
import { accessSync, constants, existsSync, readFileSync, rmdirSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readProcStat } from './proc-stat.js';
import type { Escapee } from './descendants.js';

/** Set to "delegated" by the unit that delegates a cgroup subtree to the engine. */
export const CGROUP_VARIABLE = 'PIT_CGROUP';

/**
 * The engine's own cgroup directory, when it was delegated and the engine
 * may create and kill cgroups under it; otherwise null (and why).
 */
export function delegatedCgroup(env: NodeJS.ProcessEnv = process.env): { dir: string } | { dir: null; why: string } {
  if (env[CGROUP_VARIABLE] !== 'delegated') return { dir: null, why: `${CGROUP_VARIABLE}=delegated is not set (engine service install sets it with Delegate=yes)` };
  const mount = cgroup2Mount();
  if (!mount) return { dir: null, why: 'no cgroup v2 file system is mounted' };
  const own = readFileSync('/proc/self/cgroup', 'utf8').match(/^0::(\/.*)$/m)?.[1];
  if (!own) return { dir: null, why: 'this process is in no cgroup v2 group' };
  const dir = join(mount, own);
  try {
    accessSync(dir, constants.W_OK);
    accessSync(join(dir, 'cgroup.procs'), constants.W_OK);
  } catch {
    return { dir: null, why: `${dir} is not writable: the subtree is not delegated to this user` };
  }
  if (!existsSync(join(dir, 'cgroup.kill'))) return { dir: null, why: `${dir} has no cgroup.kill (Linux 5.14 or later is needed)` };
  return { dir };
}

function cgroup2Mount(): string | null {
  try {
    for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
      // "36 25 0:30 / /sys/fs/cgroup rw,… - cgroup2 cgroup2 rw": the type follows " - ".
      const [before, after] = line.split(' - ');
      if (after?.startsWith('cgroup2 ')) return before.split(' ')[4].replace(/\\040/g, ' ');
    }
  } catch {
    /* no /proc */
  }
  return null;
}

/**
 * Create run `token`'s cgroup under `home` and call `spawn` from inside it:
 * the engine steps into the cgroup for the fork, so the child is born there
 * (no window in which it could fork outside), then steps back.
 */
export function spawnInCgroup<T>(home: string, token: string, spawn: () => T): { cgroup: string | null; result: T } {
  const cgroup = join(home, `run-${token}`);
  try {
    mkdirSync(cgroup);
    writeFileSync(join(cgroup, 'cgroup.procs'), String(process.pid));
  } catch {
    rmCgroup(cgroup);
    return { cgroup: null, result: spawn() }; // the process group and /proc tracking still hold
  }
  try {
    return { cgroup, result: spawn() };
  } finally {
    stepBack(home);
  }
}

function stepBack(home: string): void {
  for (let tries = 0; ; tries++) {
    try {
      writeFileSync(join(home, 'cgroup.procs'), String(process.pid));
      return;
    } catch (e) {
      if (tries >= 2) throw e; // killCgroup refuses a cgroup the engine is in, so this stays safe
    }
  }
}

/** The processes in `cgroup` outside group `pgid` (what left the group, still inside the cgroup). */
export function cgroupEscapees(cgroup: string, pgid: number): Escapee[] {
  const out: Escapee[] = [];
  for (const pid of cgroupPids(cgroup)) {
    const st = readProcStat(pid);
    if (st && st.state !== 'Z' && st.pgrp !== pgid) out.push({ pid, startTime: st.startTime });
  }
  return out;
}

function cgroupPids(cgroup: string): number[] {
  try {
    return readFileSync(join(cgroup, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** Whether any process is left in `cgroup` (or below it). */
export function isCgroupPopulated(cgroup: string): boolean {
  try {
    return /^populated 1$/m.test(readFileSync(join(cgroup, 'cgroup.events'), 'utf8'));
  } catch {
    return false; // removed: nothing in it
  }
}

/** SIGKILL everything in `cgroup` at once, forks in flight included. */
export function killCgroup(cgroup: string): boolean {
  if (!isCgroupPopulated(cgroup)) return false;
  // Never the engine itself (were its step back out of a run's cgroup to have failed).
  if (cgroupPids(cgroup).includes(process.pid)) return false;
  try {
    writeFileSync(join(cgroup, 'cgroup.kill'), '1');
    return true;
  } catch {
    return false;
  }
}

/** Resolves true once `cgroup` is empty, false after `withinMs`. */
export async function waitForEmptyCgroup(cgroup: string, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (isCgroupPopulated(cgroup)) {
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
  return true;
}

/** Remove an empty run cgroup (a populated one stays, and says so by failing quietly). */
export function rmCgroup(cgroup: string): void {
  try {
    rmdirSync(cgroup);
  } catch {
    /* gone already, or still populated */
  }
}
