// What each target does with a process's limits, said exactly. Under
// engine run a limit is a measurement held "for" a while, then an action:
// restart, stop, or none (an event only). systemd and the container
// runtimes enforce through cgroups: memory is a hard ceiling the kernel
// kills at, at once; CPU is a quota the process is throttled to, never
// killed for. supervisord enforces nothing. A limit whose action is none
// is exported nowhere: each target's only limit would act where engine run
// only reports.
import type { ProcessConfig } from '../model/pitfile.js';

export type LimitTarget = 'systemd' | 'supervisord' | 'Compose' | 'Kubernetes';

/** The limits a target is given: null where the pitfile sets none or only reports (action none). */
export function enforcedLimits(p: ProcessConfig): { memoryBytes: number | null; cpuPercent: number | null } {
  const l = p.limits;
  if (!l || l.action === 'none') return { memoryBytes: null, cpuPercent: null };
  return { memoryBytes: l.memoryBytes, cpuPercent: l.cpuPercent };
}

const SETTING: Record<Exclude<LimitTarget, 'supervisord'>, { memory: string; cpu: string; restarts: string }> = {
  systemd: { memory: 'MemoryMax=', cpu: 'CPUQuota=', restarts: 'Restart=' },
  Compose: { memory: 'deploy.resources.limits.memory', cpu: 'deploy.resources.limits.cpus', restarts: 'its restart:' },
  Kubernetes: { memory: 'resources.limits.memory', cpu: 'resources.limits.cpu', restarts: 'the pod\'s restart policy' },
};

/** One line per limit that behaves differently under `target` than under engine run. */
export function limitWarnings(p: ProcessConfig, target: LimitTarget): string[] {
  const l = p.limits;
  if (!l || (!l.memoryBytes && !l.cpuPercent)) return [];
  if (l.action === 'none') return [`${p.name}: limits (action none) are not exported: engine run only reports them, and ${target} has no limit that only reports`];
  if (target === 'supervisord') {
    return [
      ...(l.memoryBytes ? [`${p.name}: limits.memory is not enforced: supervisord has no limits; superlance's memmon event listener restarts a program over a size ([eventlistener:memmon] command=memmon -p ${p.name}=${Math.round(l.memoryBytes / 1048576)}MB, events=TICK_60)`] : []),
      ...(l.cpuPercent ? [`${p.name}: limits.cpu is not enforced: supervisord has no limits, and no event listener of its own watches CPU`] : []),
    ];
  }
  const s = SETTING[target];
  const then = l.action === 'stop' ? `, then ${s.restarts} applies (engine run would stop it)` : `, then ${s.restarts} restarts it`;
  return [
    ...(l.memoryBytes ? [`${p.name}: limits.memory becomes ${s.memory}, enforced by the kernel: the process is killed the moment it reaches it (engine run waits "for" ${Math.round(l.forMs / 1000)}s)${then}`] : []),
    ...(l.cpuPercent ? [`${p.name}: limits.cpu becomes ${s.cpu}: the process is throttled to it, never ${l.action === 'stop' ? 'stopped' : 'restarted'} for CPU`] : []),
  ];
}
