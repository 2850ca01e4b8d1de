// What the schema cannot say about replicas: replica_env needs replicas and
// must not fight env, a copy's name must be free, and a reaction on the
// group's own name would never fire (its events name the copies).
import { errors } from '../errors.js';
import { parsePattern } from '../events/match.js';
import type { Problem } from './validate.js';

type Map = Record<string, any>;
const asMap = (v: unknown): Map => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Map) : {});

/** The names a pitfile's replicas run under (api.1, api.2 for api with replicas: 2), as reactions may name them. */
export function replicaNames(processes: Map): string[] {
  return Object.entries(processes).flatMap(([name, p]) => {
    const n = asMap(p).replicas;
    return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 64 ? Array.from({ length: n }, (_, i) => `${name}.${i + 1}`) : [];
  });
}

/** Every replica problem of a pitfile as written (`root`), none for a consistent one. */
export function checkReplicas(root: Map): Problem[] {
  const processes = asMap(root.processes);
  const groups = Object.keys(processes).filter((n) => typeof asMap(processes[n]).replicas === 'number');
  const out: Problem[] = [];
  for (const [name, p0] of Object.entries(processes)) {
    const p = asMap(p0);
    const replicaEnv = asMap(p.replica_env);
    if ('replica_env' in p && p.replicas === undefined) {
      out.push({ path: ['processes', name, 'replica_env'], key: true, error: errors.PIT_E_CONFIG_REPLICAS(`replica_env needs replicas: ${name} runs one copy`, `add replicas: 2 (or more) to ${name}, or remove replica_env`) });
    }
    for (const k of Object.keys(replicaEnv).filter((k) => k in asMap(p.env))) {
      out.push({ path: ['processes', name, 'env', k], key: true, error: errors.PIT_E_CONFIG_REPLICAS(`${k} is set in both env and replica_env`, `keep it in replica_env only: { ${k}: { base: ${asMap(p.env)[k]} } }`) });
    }
    const owner = groups.find((g) => new RegExp(`^${g.replace(/[.-]/g, '\\$&')}\\.[0-9]+$`).test(name));
    if (owner) {
      out.push({ path: ['processes', name], key: true, error: errors.PIT_E_CONFIG_REPLICAS(`the name ${name} belongs to a replica of ${owner} (replicas: ${processes[owner].replicas})`, `rename ${name}, e.g. ${name.replace(/\./g, '-')}`) });
    }
  }
  (Array.isArray(root.reactions) ? root.reactions : []).forEach((r, i) => {
    const on = asMap(r).on;
    const parsed = typeof on === 'string' ? parsePattern(on) : null;
    if (!parsed || 'error' in parsed) return;
    const [kind, subject] = parsed.segments;
    if (kind === 'process' && groups.includes(subject)) {
      const rest = parsed.segments.slice(2).join(':') || '*';
      out.push({ path: ['reactions', i, 'on'], error: errors.PIT_E_CONFIG_REPLICAS(`${subject} runs as replicas, whose events are process:${subject}.1:${rest}, process:${subject}.2:${rest}, …; "${on}" would never fire`, `name one replica (process:${subject}.1:${rest}) or all processes (process:*:${rest})`) });
    }
  });
  return out;
}
