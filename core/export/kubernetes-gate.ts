// depends_on in Kubernetes, which starts everything at once: a pod that
// waits for others gets an init container that runs `kubectl wait` until
// each dependency is there (a Job complete, a Deployment available, which
// its readiness probe decides), so its own container starts only then, as
// under engine run. "started" needs no gate: the scheduler starts all.
// kubectl in the pod needs to read Jobs and Deployments: a ServiceAccount
// with a Role to get, list and watch them in its namespace, and nothing else.
import type { DependencyCondition, ProcessConfig } from '../model/pitfile.js';

/**
 * The image the waiting init container runs: kubectl alone, published by the
 * Kubernetes project on registry.k8s.io from v1.28 (tags keep the v). It has
 * no shell, so the wait runs kubectl itself, never `sh -c`.
 */
export const KUBECTL_IMAGE = 'registry.k8s.io/kubectl:v1.31.0';
/** How long one wait may take before the init container fails (the kubelet then retries it, with backoff). */
const WAIT_TIMEOUT = '10m';

/** The resource a dependency is waited on as, by its condition; null: not waited for. */
function waitFor(dep: string, cond: DependencyCondition, jobs: Set<string>): string[] | null {
  if (cond === 'started') return null;
  if (jobs.has(dep)) return ['--for=condition=complete', `job/${dep}`];
  return ['--for=condition=available', `deployment/${dep}`];
}

/** The init containers that hold `p`'s pod until its dependencies are there ([] when none is waited for). */
export function gateContainers(p: ProcessConfig, names: Map<string, string>, jobs: Set<string>, warnings: string[]): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const [dep, cond] of Object.entries(p.dependsOn).sort(([a], [b]) => a.localeCompare(b))) {
    const name = names.get(dep)!;
    const args = waitFor(name, cond, jobs);
    if (!args) continue;
    if (cond === 'completed' && !jobs.has(name)) warnings.push(`${p.name}: depends_on ${dep}: completed waits for the Deployment ${name} to be available (only a one-shot becomes a Job)`);
    if (cond === 'healthy' && jobs.has(name)) warnings.push(`${p.name}: depends_on ${dep}: healthy waits for the Job ${name} to complete`);
    out.push({ name: `wait-${name}`.slice(0, 63).replace(/-+$/, ''), image: KUBECTL_IMAGE, command: ['kubectl', 'wait', ...args, `--timeout=${WAIT_TIMEOUT}`] });
  }
  return out;
}

/** The account the waiting pods run as, and what it may read. */
export function gateAccess(account: string, labels: Record<string, string>): unknown[] {
  const metadata = { name: account, labels };
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata,
      rules: [
        { apiGroups: ['batch'], resources: ['jobs'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list', 'watch'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata,
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: account },
      subjects: [{ kind: 'ServiceAccount', name: account }],
    },
  ];
}
