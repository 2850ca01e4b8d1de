// Replicas in an export. On one host (systemd, supervisord) each replica is
// a unit of its own, since each may need env of its own (replica_env: PORT
// 3000, 3001, …), which a systemd template unit cannot give; a depends_on on
// the group becomes one on every replica. Containers have a network each,
// so Compose and Kubernetes get the group once, with its count
// (deploy.replicas, replicas:), every copy with replica 1's env.
import type { Pitfile, ProcessConfig } from '../model/pitfile.js';
import { membersOf, replicaConfig } from '../config/replicas.js';

/** Targets whose copies each have a network of their own. */
const CONTAINER_TARGETS = new Set(['compose', 'kubernetes']);

/** `pitfile` as `target` gets its replica groups, and a note per group. */
export function replicasForExport(pitfile: Pitfile, target: string): { pitfile: Pitfile; notes: string[] } {
  const groups = Object.values(pitfile.replicas);
  if (!groups.length) return { pitfile, notes: [] };
  return CONTAINER_TARGETS.has(target) ? groupsOnce(pitfile, target) : unitPerReplica(pitfile);
}

/** Each group as one process named as the group, configured as replica 1 without PIT_REPLICA. */
function groupsOnce(pitfile: Pitfile, target: string): { pitfile: Pitfile; notes: string[] } {
  const processes: Record<string, ProcessConfig> = {};
  for (const p of Object.values(pitfile.processes)) {
    if (!p.replica) processes[p.name] = p;
    else if (p.replica.index === 1) {
      const group = pitfile.replicas[p.replica.group];
      const { PIT_REPLICA: _, ...env } = replicaConfig(group, 1).env;
      processes[group.name] = { ...replicaConfig(group, 1), name: group.name, env: { ...env, PIT_REPLICAS: String(group.count) }, replica: null };
    }
  }
  const field = target === 'compose' ? 'deploy.replicas' : 'replicas:';
  const notes = Object.values(pitfile.replicas).map((g) => {
    const fixed = Object.keys(g.replicaEnv).map((k) => `${k}=${g.replicaEnv[k].base}`);
    return `${g.name}: replicas ${g.count} is ${field} ${g.count}; every copy gets the same env: no PIT_REPLICA${fixed.length ? `, and replica_env gives each ${fixed.join(', ')} (a container has its own network, so they can share it)` : ''}`;
  });
  return { pitfile: { ...pitfile, processes }, notes };
}

/** One process per replica, with depends_on on a group spelled as its replicas. */
function unitPerReplica(pitfile: Pitfile): { pitfile: Pitfile; notes: string[] } {
  const groups = Object.values(pitfile.replicas);
  const processes = Object.fromEntries(
    Object.entries(pitfile.processes).map(([name, p]) => [
      name,
      {
        ...p,
        // PIT_REPLICAS is read at each start by a running engine; an exported unit has it fixed.
        env: p.replica ? { ...p.env, PIT_REPLICAS: String(pitfile.replicas[p.replica.group].count) } : p.env,
        dependsOn: Object.fromEntries(Object.entries(p.dependsOn).flatMap(([dep, cond]) => membersOf(pitfile, dep).map((m) => [m, cond]))),
      },
    ]),
  );
  const notes = groups.map((g) => `${g.name}: replicas: ${g.count} is exported as ${g.count} separate processes (${membersOf(pitfile, g.name).join(', ')}), each with its own PIT_REPLICA and PIT_REPLICAS=${g.count}`);
  return { pitfile: { ...pitfile, processes }, notes };
}
