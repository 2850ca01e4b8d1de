// engine export kubernetes: a Deployment per process (a Job for one that
// others wait to complete), probes from health, resources from limits, env,
// all labelled with the project. An env_file is never copied into the
// manifest (it holds secrets): the container takes it from a Secret the
// user creates from the file, by a secretRef the warnings name. Kubernetes
// expands $(VAR) in command and env, so every literal $ is doubled; a
// ${VAR} from the shell becomes $(VAR) in a command, and an env value made
// from one is left out.
import { basename, dirname, relative } from 'node:path';
import { stringify } from 'yaml';
import type { HealthConfig, Pitfile, ProcessConfig } from '../model/pitfile.js';
import { argvOf } from './systemd.js';
import { APP_DIR } from './compose.js';
import { dependencyOrder, header, nameMap, safeName, unsupported, type Exported } from './common.js';
import { commandReferenceWarning, envReferenceWarning, renderReferences } from './shell-reference.js';

/** A command word or env value: $ doubled so $(X) stays literal, a shell reference as $(X) (filled from the container's env). */
const kubernetesValue = (v: string) => renderReferences(v, (s) => s.replace(/\$/g, '$$$$'), (r) => `$(${r.name})`);

export function exportKubernetes(pitfile: Pitfile, image: string | null): Exported {
  const warnings: string[] = [];
  const names = nameMap(pitfile, 'dns', 'Kubernetes', warnings);
  const project = safeName(basename(dirname(pitfile.file)), 'dns');
  const completed = new Set(Object.values(pitfile.processes).flatMap((p) => Object.entries(p.dependsOn).filter(([, c]) => c === 'completed').map(([d]) => d)));
  const docs: unknown[] = [];
  for (const p of dependencyOrder(pitfile)) {
    const img = pitfile.export.images[p.name] ?? image ?? pitfile.export.image;
    if (!img) throw new Error(`no image for process "${p.name}": set export.image (or export.images.${p.name}) in the pitfile, or pass --image`);
    const name = names.get(p.name)!;
    const labels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': project, 'app.kubernetes.io/managed-by': 'pit' };
    if (Object.keys(p.dependsOn).length) warnings.push(`${p.name}: depends_on is not exported (Kubernetes starts everything at once; make it retry until its dependencies answer)`);
    const secrets = p.envFiles.map((f, i) => {
      const secret = `${name}-env${p.envFiles.length > 1 ? `-${i + 1}` : ''}`;
      warnings.push(`${p.name}: env_file ${relative(pitfile.root, f)} is not copied into the manifest; create the Secret it references: kubectl create secret generic ${secret} --from-env-file=${relative(pitfile.root, f)}`);
      return secret;
    });
    const envKeys = Object.keys(p.env).sort().filter((k) => {
      const w = envReferenceWarning(p.name, k, p.env[k], 'a manifest is not filled from a shell: add it to the Secret');
      if (w) warnings.push(w);
      return !w;
    });
    const refWarning = commandReferenceWarning(p.name, argvOf(p.command), 'Kubernetes', "the container's env, as $(VAR): add it to the Secret");
    if (refWarning) warnings.push(refWarning);
    const container = {
      name,
      image: img,
      command: argvOf(p.command).map(kubernetesValue),
      workingDir: relative(pitfile.root, p.cwd) ? `${APP_DIR}/${relative(pitfile.root, p.cwd)}` : APP_DIR,
      ...(envKeys.length ? { env: envKeys.map((k) => ({ name: k, value: kubernetesValue(p.env[k]) })) } : {}),
      ...(secrets.length ? { envFrom: secrets.map((n) => ({ secretRef: { name: n } })) } : {}),
      ...(p.limits?.memoryBytes || p.limits?.cpuPercent
        ? { resources: { limits: { ...(p.limits.cpuPercent ? { cpu: `${Math.round(p.limits.cpuPercent * 10)}m` } : {}), ...(p.limits.memoryBytes ? { memory: String(p.limits.memoryBytes) } : {}) } } }
        : {}),
      ...probes(p, warnings),
    };
    const pod = { metadata: { labels }, spec: { containers: [container], terminationGracePeriodSeconds: Math.ceil(p.stop.timeoutMs / 1000) } };
    if (completed.has(p.name) || p.restart.policy === 'never') {
      const restartPolicy = p.restart.policy === 'never' ? 'Never' : 'OnFailure';
      docs.push({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name, labels }, spec: { backoffLimit: p.restart.maxRestarts, template: { ...pod, spec: { ...pod.spec, restartPolicy } } } });
    } else {
      if (p.restart.policy === 'on-failure') warnings.push(`${p.name}: restart on-failure becomes Always (a Deployment's pods always restart)`);
      docs.push({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name, labels },
        spec: { replicas: p.autostart ? 1 : 0, selector: { matchLabels: { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': project } }, template: pod },
      });
    }
  }
  warnings.push(...unsupported(pitfile, 'Kubernetes', { timers: false }));
  const body = docs.map((d) => stringify(d, { lineWidth: 0, version: '1.1', aliasDuplicateObjects: false })).join('---\n');
  return { files: { 'kubernetes.yaml': header(pitfile, 'kubernetes', warnings) + body }, warnings };
}

function probes(p: ProcessConfig, warnings: string[]): Record<string, unknown> {
  const h: HealthConfig | null = p.health;
  if (!h) return {};
  const c = h.check;
  let action: Record<string, unknown>;
  if (c.kind === 'http') {
    const u = new URL(c.url);
    action = { httpGet: { path: `${u.pathname}${u.search}`, port: Number(u.port || (u.protocol === 'https:' ? 443 : 80)), scheme: u.protocol === 'https:' ? 'HTTPS' : 'HTTP' } };
  } else if (c.kind === 'tcp') action = { tcpSocket: { port: c.port } };
  else if (c.kind === 'exec') action = { exec: { command: argvOf(c.command) } };
  else {
    warnings.push(`${p.name}: its ${c.kind === 'log' ? 'log' : 'heartbeat-file'} health check is not exported (use an exec probe)`);
    return {};
  }
  if (h.startup) warnings.push(`${p.name}: its startup check (health.startup) is not exported; the startupProbe repeats the health check`);
  const period = { periodSeconds: Math.max(1, Math.round(h.intervalMs / 1000)), timeoutSeconds: Math.max(1, Math.round(h.timeoutMs / 1000)), failureThreshold: h.failures };
  return {
    startupProbe: { ...action, ...period, failureThreshold: Math.max(h.failures, Math.ceil(h.startPeriodMs / Math.max(1000, h.intervalMs)) + h.failures) },
    readinessProbe: { ...action, ...period },
    livenessProbe: { ...action, ...period },
  };
}
