// Stopping a whole process group: the stop signal, then SIGKILL once the
// timeout is spent. The leader exiting is not the end: its children may
// linger in the group, and they are waited for (and killed) too.
import { listGroupMembers } from './proc-stat.js';

/** Send `signal` to every process of group `pgid`; a group already gone is fine. */
export function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
  }
}

const pollMs = 25;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Stop group `pgid` whose leader's exit is `exited`. Resolves once no live
 * member is left; `killed` tells whether SIGKILL was needed.
 */
export async function stopGroup(
  pgid: number,
  opts: { signal: NodeJS.Signals; timeoutMs: number; exited: Promise<unknown> },
): Promise<{ killed: boolean }> {
  const deadline = Date.now() + opts.timeoutMs;
  killGroup(pgid, opts.signal);
  let timer: NodeJS.Timeout | undefined;
  const leaderGone = await Promise.race([
    opts.exited.then(() => true),
    new Promise<boolean>((r) => (timer = setTimeout(() => r(false), opts.timeoutMs))),
  ]);
  clearTimeout(timer);
  // /proc is scanned only after the leader left, and only until the deadline.
  if (leaderGone) while (listGroupMembers(pgid).length && Date.now() < deadline) await sleep(pollMs);
  if (!listGroupMembers(pgid).length) return { killed: false };
  killGroup(pgid, 'SIGKILL');
  await opts.exited;
  return { killed: true };
}
