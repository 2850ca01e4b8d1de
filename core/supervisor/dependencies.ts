// depends_on: when a process may start (its dependencies reached their
// condition) and when it may stop (everything that depends on it stopped).
import type { EventBus } from '../events/bus.js';
import type { DependencyCondition } from '../model/pitfile.js';
import type { Supervisor } from './supervisor.js';

/** Whether `dep` already meets `cond`. */
function isMet(dep: Supervisor, cond: DependencyCondition): boolean {
  if (cond === 'started') return dep.state === 'running';
  if (cond === 'healthy') return dep.healthy;
  return dep.state === 'exited' && dep.lastExit?.code === 0;
}

/** Resolves once `dep` meets `cond`; a dependency that can no longer meet it keeps the dependent waiting. */
export function waitFor(bus: EventBus, dep: Supervisor, cond: DependencyCondition): Promise<void> {
  if (isMet(dep, cond)) return Promise.resolve();
  const pattern = cond === 'healthy' ? `process:${dep.name}:healthy` : `process:${dep.name}:state`;
  return new Promise((resolve) => {
    const off = bus.on(pattern, () => {
      if (!isMet(dep, cond)) return;
      off();
      resolve();
    });
  });
}

/** Names of the processes that depend on `name`. */
export function dependentsOf(name: string, all: Iterable<Supervisor>): string[] {
  return [...all].filter((s) => name in s.cfg.dependsOn).map((s) => s.name);
}
