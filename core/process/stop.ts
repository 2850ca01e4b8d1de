// Stopping a whole process group: the stop signal, then SIGKILL once the
// timeout is spent. The leader exiting is not the end: what it forked (a
// shell's children, a server's workers, a forker that already exited)
// stays in the group and is waited for, then killed, too. What left the
// group (setsid, setpgid) is out of reach of kill(-pgid): those escapees
// (see descendants.ts) are signalled one by one, at the same moments.
import { waitForEmptyGroup } from './group-watch.js';
import { signalEscapees, waitForEscapees, type Escapee } from './descendants.js';
import { cgroupEscapees, killCgroup, waitForEmptyCgroup } from './cgroup.js';

export interface StopOptions {
  signal: NodeJS.Signals;
  timeoutMs: number;
  /**
   * The leader's exit ('exit' of our ChildProcess). Without it (a process
   * that is not our child, such as an orphan of a killed engine) the group
   * is polled from the start.
   */
  exited?: Promise<unknown>;
  /**
   * The group's escapees, looked up right before the stop signal and again
   * before SIGKILL (a member may setsid() as it shuts down).
   */
  escaped?: () => Promise<Escapee[]>;
  /** The run's own cgroup (delegated cgroup v2): what is in it is stopped too, and cgroup.kill ends it. */
  cgroup?: string | null;
}

// After SIGKILL only a process stuck in the kernel (state D) can linger.
const afterKillMs = 5000;

/**
 * Send `signal` to every process of group `pgid`; false when the group is
 * already gone. Call it only while the group is known to exist: once its
 * last member is reaped, the number may be reused by an unrelated group.
 */
export function killGroup(pgid: number, signal: NodeJS.Signals): boolean {
  // process.kill(-0) signals OUR group and process.kill(-1) every process
  // we may signal (all of them, as root): never let a bad pid get there.
  if (!Number.isInteger(pgid) || pgid <= 1) throw new Error(`refusing to signal process group ${pgid}`);
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (e) {
    // ESRCH: every member has exited and been reaped already.
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw e;
  }
}

/**
 * Stop group `pgid`: `signal`, then SIGKILL after `timeoutMs`. Resolves once
 * the leader has exited and no live member is left; `killed` tells whether
 * SIGKILL was needed.
 */
export async function stopGroup(pgid: number, opts: StopOptions): Promise<{ killed: boolean }> {
  const deadline = Date.now() + opts.timeoutMs;
  const { cgroup } = opts;
  const escapees = async () => merge((await opts.escaped?.()) ?? [], cgroup ? cgroupEscapees(cgroup, pgid) : []);
  const outside = signalEscapees(await escapees(), opts.signal);
  if (!killGroup(pgid, opts.signal) && !outside.length) {
    await opts.exited; // reaped, so its 'exit' is due at once
    return { killed: false };
  }
  // Until the leader exits there is nothing to poll: its exit is an event.
  // /proc is read only afterwards, and then mostly by kill(-pgid, 0).
  const leaderExited = opts.exited ? await settlesWithin(opts.exited, opts.timeoutMs) : true;
  const allGone = async () =>
    (await waitForEmptyGroup(pgid, deadline - Date.now())) &&
    (await waitForEscapees(outside, deadline - Date.now())) &&
    (!cgroup || (await waitForEmptyCgroup(cgroup, deadline - Date.now())));
  if (leaderExited && (await allGone())) return { killed: false };
  const killedOutside = signalEscapees(merge(outside, await escapees()), 'SIGKILL');
  const killedCgroup = cgroup ? killCgroup(cgroup) : false;
  const killed = killGroup(pgid, 'SIGKILL') || killedOutside.length > 0 || killedCgroup;
  if (opts.exited) await opts.exited;
  await Promise.all([waitForEmptyGroup(pgid, afterKillMs), waitForEscapees(killedOutside, afterKillMs), cgroup && waitForEmptyCgroup(cgroup, afterKillMs)]);
  return { killed };
}

function merge(a: Escapee[], b: Escapee[]): Escapee[] {
  return [...a, ...b.filter((e) => !a.some((x) => x.pid === e.pid))];
}

/** Stop processes outside any group of ours (escapees of a group that is gone): `signal`, then SIGKILL. */
export async function stopEscapees(list: Escapee[], opts: { signal: NodeJS.Signals; timeoutMs: number }): Promise<{ killed: boolean }> {
  const hit = signalEscapees(list, opts.signal);
  if (await waitForEscapees(hit, opts.timeoutMs)) return { killed: false };
  const killed = signalEscapees(hit, 'SIGKILL');
  await waitForEscapees(killed, afterKillMs);
  return { killed: killed.length > 0 };
}

/** Whether `p` settles within `ms`. */
function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), Math.max(0, ms))));
  const settled = p.then(
    () => true,
    () => true,
  );
  return Promise.race([settled, late]).finally(() => clearTimeout(timer));
}
