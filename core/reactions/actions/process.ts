// start, stop and restart: process names, globs ("web-*") or $process.
import { matchesGlob, isGlob } from '../../events/match.js';
import type { ActionHandler, Invocation, ProcessControl } from './types.js';
import { withArgs, type Targets } from './args.js';
import { eventName } from '../../events/catalog.js';
import { reactionReason } from '../../events/cause.js';
import { errors } from '../../errors.js';

/** The processes an action's argument names, in pitfile order. */
export function resolveTargets(call: Invocation<Targets>, processes: ProcessControl): string[] {
  const written = call.args;
  const all = processes.names();
  const e = call.vars.event;
  // Every process event, the built-in plugins' too (import-error, install), names its process.
  const eventProcess = 'process' in e ? e.process : undefined;
  const wanted = new Set<string>();
  for (const t of written) {
    if (t === '$process') {
      if (typeof eventProcess !== 'string') throw errors.PIT_E_REACTION_NO_PROCESS(eventName(e));
      wanted.add(eventProcess);
    } else if (isGlob(t)) all.filter((n) => matchesGlob(t, n)).forEach((n) => wanted.add(n));
    else wanted.add(t);
  }
  for (const n of wanted) if (!all.includes(n)) throw errors.PIT_E_REACTION_PROCESS_UNKNOWN(n, all.join(', ') || '(none)');
  // "api" (or a glob matching both api and api.1) acts on each replica once.
  return [...new Set([...wanted].flatMap((n) => processes.members?.(n) ?? [n]))];
}

/**
 * A verb on its targets. Like every action it is recorded as
 * reaction:<id>:run, published before it acts, so the state changes it
 * makes name that event as their cause and the reaction's trigger as why.
 */
const verb =
  (what: 'start' | 'stop' | 'restart'): ActionHandler =>
  withArgs(what, async (call, env) => {
    const targets = resolveTargets(call, env.processes);
    const trigger = call.vars.event;
    const reason = reactionReason(call.reaction, trigger);
    const ran = env.bus.publish('reaction:run', call.reaction.id, {
      reaction: call.reaction.id,
      action: what,
      command: `${what} ${targets.join(' ')}`,
      exit_code: null,
      signal: null,
      duration_ms: 0,
      log: null,
      cause: trigger.id,
      reason,
    });
    const cause = { cause: ran.id, reason };
    await Promise.all(targets.map((n) => (what === 'restart' ? env.processes.restart(n, cause) : env.processes[what](n, cause))));
  });

export const start = verb('start');
export const stop = verb('stop');
export const restart = verb('restart');
