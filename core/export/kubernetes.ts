// engine export kubernetes: per process a Deployment (a Job for a one-shot
// or one that others wait to complete) and a Service for the ports it
// listens on; a CronJob per cron run; depends_on as init containers that
// wait (kubernetes-gate.ts); probes from health, resources from limits,
// env; a kustomization.yaml listing every file, for `kubectl apply -k`.
// Each file holds one resource and is named kind-name.yaml. An env_file is
// never copied into a manifest (it holds secrets): the container takes it
// from a Secret the user creates from the file, by a secretRef the
// warnings name. Kubernetes expands $(VAR) in command and env, so every
// literal $ is doubled; a ${VAR} from the shell becomes $(VAR) in a
// command, and an env value made from one is left out.
import { basename, dirname, relative } from 'node:path';
import { stringify } from 'yaml';
import type { HealthConfig, Pitfile, ProcessConfig } from '../model/pitfile.js';
import { argvOf } from './systemd.js';
import { APP_DIR } from './compose.js';
import { cronJobs, dependencyOrder, exportOptions, header, imageFor, nameMap, portsOf, replicaCount, unknownExportNames, safeName, unsupported, type ExportOptions, type Exported } from './common.js';
import { commandReferenceWarning, envReferenceWarning, renderReferences } from './shell-reference.js';
import { containerProgramWarning } from './host-command.js';
import { enforcedLimits, limitWarnings } from './limits.js';
import { listeners, loopbackCommand, loopbackEnv, loopbackUses, type LoopbackContext } from './loopback.js';
import { gateAccess, gateContainers } from './kubernetes-gate.js';
import { cronJobManifest } from './kubernetes-cron.js';

/** A command word or env value: $ doubled so $(X) stays literal, a shell reference as $(X) (filled from the container's env). */
const kubernetesValue = (v: string) => renderReferences(v, (s) => s.replace(/\$/g, '$$$$'), (r) => `$(${r.name})`);

type Manifest = { kind: string; metadata: { name: string; labels?: Record<string, string> } } & Record<string, unknown>;

export function exportKubernetes(pitfile: Pitfile, options: Partial<ExportOptions> | string | null = {}): Exported {
  const opts = exportOptions(options);
  const warnings: string[] = [];
  const names = nameMap(pitfile, 'dns', 'Kubernetes', warnings);
  const project = safeName(basename(dirname(pitfile.file)), 'dns');
  const partOf = { 'app.kubernetes.io/part-of': project, 'app.kubernetes.io/managed-by': 'pit' };
  const loopback: LoopbackContext = { target: 'Kubernetes', names, listeners: listeners(pitfile), rewrite: opts.rewriteLoopback, warnings };
  const completed = new Set(Object.values(pitfile.processes).flatMap((p) => Object.entries(p.dependsOn).filter(([, c]) => c === 'completed').map(([d]) => d)));
  const isJob = (p: ProcessConfig) => completed.has(p.name) || p.restart.policy === 'never';
  const jobs = new Set(Object.values(pitfile.processes).filter(isJob).map((p) => names.get(p.name)!));
  const account = `${project}-wait`.slice(0, 63);
  const docs: Manifest[] = [];
  let gated = false;
  for (const p of dependencyOrder(pitfile)) {
    const name = names.get(p.name)!;
    const labels = { 'app.kubernetes.io/name': name, ...partOf };
    const ports = portsOf(pitfile, p);
    const gate = gateContainers(p, names, jobs, warnings);
    gated ||= gate.length > 0;
    const container = containerOf(p, pitfile, imageFor(pitfile, p.name, opts), name, ports, loopback);
    const pod = {
      metadata: { labels },
      spec: { ...(gate.length ? { serviceAccountName: account, initContainers: gate } : {}), containers: [container], terminationGracePeriodSeconds: Math.ceil(p.stop.timeoutMs / 1000) },
    };
    const w = containerProgramWarning(p, opts.path, 'Kubernetes');
    if (w) warnings.push(w);
    warnings.push(...limitWarnings(p, 'Kubernetes'));
    if (isJob(p)) {
      const restartPolicy = p.restart.policy === 'never' ? 'Never' : 'OnFailure';
      docs.push({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name, labels }, spec: { backoffLimit: p.restart.maxRestarts, template: { ...pod, spec: { ...pod.spec, restartPolicy } } } });
      if (!p.autostart) warnings.push(`${p.name}: autostart: false has no equal for a Job: it runs when applied`);
      continue;
    }
    if (p.restart.policy === 'on-failure') warnings.push(`${p.name}: restart on-failure becomes Always (a Deployment's pods always restart)`);
    const selector = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': project };
    // The one place Kubernetes gets replicas.
    docs.push({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, labels }, spec: { replicas: replicaCount(pitfile, p), selector: { matchLabels: selector }, template: pod } });
    if (ports.length) {
      docs.push({ apiVersion: 'v1', kind: 'Service', metadata: { name, labels }, spec: { selector, ports: ports.map((port) => ({ name: `port-${port}`, port, targetPort: port, protocol: 'TCP' })) } });
    } else {
      warnings.push(`${p.name}: no Service: the pitfile names no port it listens on (an http/tcp health check or export.ports)`);
    }
  }
  for (const job of cronJobs(pitfile)) {
    const w = commandReferenceWarning(job.name, argvOf(job.command), 'Kubernetes', "the container's env, as $(VAR)");
    if (w) warnings.push(w);
    const doc = cronJobManifest(job, imageFor(pitfile, job.name, opts), partOf, kubernetesValue, warnings);
    if (doc) docs.push(doc as Manifest);
  }
  if (gated) {
    docs.push(...(gateAccess(account, partOf) as Manifest[]));
    warnings.push(`depends_on healthy/completed: a pod waits in an init container (kubectl wait, as the ServiceAccount ${account}) until its dependencies are available or complete`);
  }
  warnings.push(...unknownExportNames(pitfile));
  warnings.push(...unsupported(pitfile, 'Kubernetes', { timers: true }));
  // The notes go in kustomization.yaml, the file that is applied; each resource's file points there.
  const short = `${header(pitfile, 'kubernetes', [])}# What is not exported or is changed: kustomization.yaml\n`;
  const files: Record<string, string> = {};
  for (const d of docs) files[`${d.kind.toLowerCase()}-${d.metadata.name}.yaml`] = short + stringify(d, { lineWidth: 0, version: '1.1', aliasDuplicateObjects: false });
  const resources = Object.keys(files).sort();
  files['kustomization.yaml'] = header(pitfile, 'kubernetes', warnings) + stringify({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources }, { lineWidth: 0, version: '1.1' });
  return { files, warnings };
}

function containerOf(p: ProcessConfig, pitfile: Pitfile, image: string, name: string, ports: number[], loopback: LoopbackContext) {
  const warnings = loopback.warnings;
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
  const argv = argvOf(p.command);
  const refWarning = commandReferenceWarning(p.name, argv, 'Kubernetes', "the container's env, as $(VAR): add it to the Secret");
  if (refWarning) warnings.push(refWarning);
  loopbackCommand(p, argv, loopback);
  const limits = enforcedLimits(p);
  return {
    name,
    image,
    command: argv.map(kubernetesValue),
    workingDir: relative(pitfile.root, p.cwd) ? `${APP_DIR}/${relative(pitfile.root, p.cwd)}` : APP_DIR,
    ...(ports.length ? { ports: ports.map((port) => ({ name: `port-${port}`, containerPort: port, protocol: 'TCP' })) } : {}),
    ...(envKeys.length ? { env: envKeys.map((k) => ({ name: k, value: kubernetesValue(loopbackEnv(p, k, p.env[k], loopback)) })) } : {}),
    ...(secrets.length ? { envFrom: secrets.map((n) => ({ secretRef: { name: n } })) } : {}),
    ...(limits.memoryBytes || limits.cpuPercent
      ? { resources: { limits: { ...(limits.cpuPercent ? { cpu: `${Math.round(limits.cpuPercent * 10)}m` } : {}), ...(limits.memoryBytes ? { memory: String(limits.memoryBytes) } : {}) } } }
      : {}),
    ...probes(p, warnings),
  };
}

function probes(p: ProcessConfig, warnings: string[]): Record<string, unknown> {
  const h: HealthConfig | null = p.health;
  if (!h) return {};
  const c = h.check;
  let action: Record<string, unknown>;
  // The kubelet probes the pod's own address, never 127.0.0.1: a process listening on loopback alone fails it.
  const host = c.kind === 'http' ? new URL(c.url).hostname : c.kind === 'tcp' ? c.host : null;
  if (host !== null && loopbackUses(host).length) warnings.push(`${p.name}: its health check probes ${host}; Kubernetes probes the pod's address, as its Service does: ${p.name} must listen on 0.0.0.0`);
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
  const readinessProbe = { ...action, ...period };
  // health.restart: false only reports: a failing liveness or startup probe would have the kubelet restart the container.
  if (!h.restart) return { readinessProbe };
  return {
    startupProbe: { ...action, ...period, failureThreshold: Math.max(h.failures, Math.ceil(h.startPeriodMs / Math.max(1000, h.intervalMs)) + h.failures) },
    readinessProbe,
    livenessProbe: { ...action, ...period },
  };
}
