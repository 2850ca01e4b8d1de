// engine restart api --rolling: the replicas of a group one at a time, each
// healthy again (running, without a health check) before the next goes, so
// all but one keep serving. One that does not get there ends the roll: the
// rest keep running the old version, and the error says which and why.
import { errors } from '../errors.js';
import type { EventBus } from '../events/bus.js';
import type { PitEvent } from '../events/catalog.js';
import type { Cause } from '../events/cause.js';
import type { Supervisor } from './supervisor.js';
import { formatDuration } from '../model/units.js';

/** Slack over the health check's own worst case before a silent replica counts as failed. */
const READY_SLACK_MS = 10_000;

/** Restart `members` of `group` in order, each ready before the next; rejects with PIT_E_PROCESS_ROLLING. */
export async function restartRolling(bus: EventBus, group: string, members: string[], lookup: (name: string) => Supervisor | undefined, cause: Cause = {}): Promise<void> {
  for (const [i, name] of members.entries()) {
    const sup = lookup(name);
    if (!sup) continue; // scaled away meanwhile
    const reason = `${cause.reason ?? 'rolling restart'}: replica ${i + 1} of ${members.length}`;
    await sup.restart({ cause: cause.cause, reason });
    const why = await untilReady(bus, sup);
    if (why) throw Object.assign(errors.PIT_E_PROCESS_ROLLING(group, name, why, members.slice(i + 1)), { replica: name });
  }
}

/** Resolves null once `sup` is healthy (or running, with no health check), else why it will not be. */
function untilReady(bus: EventBus, sup: Supervisor): Promise<string | null> {
  const health = sup.cfg.health;
  const withinMs = health ? health.startPeriodMs + (health.failures + 1) * (health.intervalMs + health.timeoutMs) + READY_SLACK_MS : READY_SLACK_MS;
  return new Promise((resolve) => {
    const done = (why: string | null): true => {
      off();
      clearTimeout(timer);
      resolve(why);
      return true;
    };
    const check = (e?: PitEvent): boolean => {
      if (e?.type === 'process:unhealthy') return done(`unhealthy after ${e.failures} failed probe${e.failures === 1 ? '' : 's'}: ${e.reason}`);
      if (sup.state === 'running' && (!health || sup.healthy === true)) return done(null);
      if (sup.state === 'starting' || sup.state === 'running') return false;
      const exit = sup.lastExit;
      const how = sup.state === 'exited' || sup.state === 'backoff' || sup.state === 'fatal'
        ? exit?.signal ? `was killed by ${exit.signal}` : `exited with code ${exit?.code}`
        : `is ${sup.state}`;
      return done(`it ${how} before it was ${health ? 'healthy' : 'running'}`);
    };
    const off = bus.on([`process:${sup.name}:state`, `process:${sup.name}:healthy`, `process:${sup.name}:unhealthy`], (e) => void check(e));
    const timer = setTimeout(() => done(`not ${health ? 'healthy' : 'running'} within ${formatDuration(withinMs)}`), withinMs);
    check();
  });
}
