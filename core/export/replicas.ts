// Replicas in an export: one unit (service, program, deployment) per
// replica, since each may have env of its own (replica_env: PORT 3000,
// 3001, …), which a systemd template unit or Compose's deploy.replicas
// cannot give. A depends_on on the group becomes one on every replica.
import type { Pitfile } from '../model/pitfile.js';
import { membersOf } from '../config/replicas.js';

/** `pitfile` with depends_on on a replica group spelled as its replicas, and a note per group. */
export function replicasForExport(pitfile: Pitfile): { pitfile: Pitfile; notes: string[] } {
  const groups = Object.values(pitfile.replicas);
  if (!groups.length) return { pitfile, notes: [] };
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
