// replicas: N copies of one process, named NAME.1 … NAME.N. The resolved
// pitfile holds each copy as a process of its own (its own supervisor, log
// file, restart budget and state), plus the group, so a running engine can
// add copies (engine scale) and a name like "api" can mean all of them.
import type { HealthConfig, Pitfile, ProcessConfig, ReplicaGroup } from '../model/pitfile.js';

/** The name of replica `index` of `group`: api.2. */
export const replicaName = (group: string, index: number) => `${group}.${index}`;

/** The config of replica `index` (1-based) of `group`. */
export function replicaConfig(group: ReplicaGroup, index: number): ProcessConfig {
  const t = group.template;
  const env: Record<string, string> = { ...t.env, PIT_REPLICA: String(index) };
  for (const [k, { base, step }] of Object.entries(group.replicaEnv)) env[k] = String(base + (index - 1) * step);
  return Object.freeze({
    ...t,
    name: replicaName(group.name, index),
    env: Object.freeze(env),
    health: t.health && followPort(t.health, group.replicaEnv, index),
    replica: Object.freeze({ group: group.name, index }),
  });
}

/**
 * A health check on a replica_env base port checks each replica's own port:
 * written once for the group (http://127.0.0.1:3000/health), api.2 probes 3001.
 */
function followPort(h: HealthConfig, replicaEnv: ReplicaGroup['replicaEnv'], index: number): HealthConfig {
  const shift = (port: number) => {
    const v = Object.values(replicaEnv).find((e) => e.base === port);
    return v ? port + (index - 1) * v.step : port;
  };
  const c = h.check;
  if (c.kind === 'tcp') return Object.freeze({ ...h, check: Object.freeze({ ...c, port: shift(c.port) }) });
  if (c.kind !== 'http') return h;
  const url = c.url.replace(/^(https?:\/\/[^/?#]*:)(\d+)(?=[/?#]|$)/, (_, head: string, port: string) => `${head}${shift(Number(port))}`);
  return url === c.url ? h : Object.freeze({ ...h, check: Object.freeze({ ...c, url }) });
}

/**
 * Replace each process written with `replicas` by its copies, in its place
 * in pitfile order; `written` is the pitfile's processes section as written.
 */
export function expandReplicas(
  processes: Record<string, ProcessConfig>,
  written: Record<string, { replicas?: number; replica_env?: Record<string, { base: number | string; step?: number }> }>,
): { processes: Record<string, ProcessConfig>; replicas: Record<string, ReplicaGroup> } {
  const replicas: Record<string, ReplicaGroup> = {};
  const out: Record<string, ProcessConfig> = {};
  for (const [name, cfg] of Object.entries(processes)) {
    const w = written[name];
    if (w?.replicas === undefined) {
      out[name] = cfg;
      continue;
    }
    const replicaEnv = Object.fromEntries(Object.entries(w.replica_env ?? {}).map(([k, v]) => [k, { base: Number(v.base), step: v.step ?? 1 }]));
    const group: ReplicaGroup = { name, count: w.replicas, written: w.replicas, template: cfg, replicaEnv };
    replicas[name] = group;
    for (let i = 1; i <= group.count; i++) out[replicaName(name, i)] = replicaConfig(group, i);
  }
  return { processes: out, replicas };
}

/** `pitfile` with `count` replicas of `group` in force (engine scale); the pitfile's own count is kept as `written`. */
export function withReplicaCount(pitfile: Pitfile, group: string, count: number): Pitfile {
  const g = pitfile.replicas[group];
  const next: ReplicaGroup = Object.freeze({ ...g, count });
  const processes: Record<string, ProcessConfig> = {};
  for (const [name, cfg] of Object.entries(pitfile.processes)) {
    if (cfg.replica?.group !== group) processes[name] = cfg;
    else if (cfg.replica.index === 1) for (let i = 1; i <= count; i++) processes[replicaName(group, i)] = replicaConfig(next, i);
  }
  return Object.freeze({ ...pitfile, processes: Object.freeze(processes), replicas: Object.freeze({ ...pitfile.replicas, [group]: next }) });
}

/**
 * A reloaded pitfile keeps the running engine's scale of a group whose
 * `replicas` the pitfile did not change: a person scaled it on purpose, and
 * an unrelated save must not undo that. A changed `replicas` wins.
 */
export function keepScale(running: Pitfile, next: Pitfile): Pitfile {
  let out = next;
  for (const g of Object.values(running.replicas)) {
    const n = next.replicas[g.name];
    if (g.count !== g.written && n && n.written === g.written) out = withReplicaCount(out, g.name, g.count);
  }
  return out;
}

/** The processes a name means: a replica group's copies (api → api.1, api.2), else the name itself. */
export function membersOf(pitfile: Pitfile, name: string): string[] {
  const g = pitfile.replicas[name];
  if (!g) return [name];
  return Object.values(pitfile.processes).filter((p) => p.replica?.group === name).map((p) => p.name);
}

/** Names as a person writes them (api, worker.2, all) → process names, each once, in pitfile order of the groups. */
export function expandNames(pitfile: Pitfile, names: string[]): string[] {
  return [...new Set(names.flatMap((n) => membersOf(pitfile, n)))];
}
