// start, stop and restart: process names, globs ("web-*") or $process.
import { matchesGlob, isGlob } from '../../events/match.js';
import type { ActionHandler, Invocation, ProcessControl } from './types.js';
import { eventName } from '../../events/catalog.js';

/** The processes an action's argument names, in pitfile order. */
export function resolveTargets(call: Invocation, processes: ProcessControl): string[] {
  const written = typeof call.args === 'string' ? [call.args] : (call.args as string[]);
  const all = processes.names();
  const e = call.vars.event;
  // A plugin's process:<name>:<what> event (import-error, install) names its process by subject.
  const eventProcess = e.type === 'custom:event' ? (e.name.startsWith('process:') ? e.subject : undefined) : (e as { process?: unknown }).process;
  const wanted = new Set<string>();
  for (const t of written) {
    if (t === '$process') {
      if (typeof eventProcess !== 'string') throw new Error(`$process: the event ${eventName(e)} names no process`);
      wanted.add(eventProcess);
    } else if (isGlob(t)) all.filter((n) => matchesGlob(t, n)).forEach((n) => wanted.add(n));
    else wanted.add(t);
  }
  for (const n of wanted) if (!all.includes(n)) throw new Error(`no process named "${n}"`);
  return [...wanted];
}

const verb =
  (what: 'start' | 'stop' | 'restart'): ActionHandler =>
  async (call, env) => {
    await Promise.all(resolveTargets(call, env.processes).map((n) => env.processes[what](n)));
  };

export const start = verb('start');
export const stop = verb('stop');
export const restart = verb('restart');
