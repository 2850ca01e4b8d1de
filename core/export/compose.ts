// engine export compose: a Compose file with one service per process, in
// the image export.image (or --image) names. Compose expands $ in values,
// so every $ is doubled; the YAML library quotes everything else. A ${VAR}
// the pitfile took from the shell stays ${VAR}: Compose fills it from the
// environment of "docker compose up" (or .env), not from the exporter's.
// env_file stays a file (env_file:), never copied. Services reach each
// other by name on Compose's default network; a port a process listens on
// is published on the host's 127.0.0.1, where engine run had it.
import { relative } from 'node:path';
import { stringify } from 'yaml';
import type { HealthCheck, Pitfile, ProcessConfig } from '../model/pitfile.js';
import { argvOf } from './systemd.js';
import { dependencyOrder, exportOptions, header, imageFor, nameMap, portsOf, replicaCount, unknownExportNames, unsupported, type ExportOptions, type Exported } from './common.js';
import { renderReferences } from './shell-reference.js';
import { containerProgramWarning } from './host-command.js';
import { enforcedLimits, limitWarnings } from './limits.js';
import { listeners, loopbackCommand, loopbackEnv, loopbackUses, type LoopbackContext } from './loopback.js';

const dollars = (v: string) => v.replace(/\$/g, '$$$$');
/** A value for Compose: literal $ doubled, a shell reference kept as Compose writes it. */
const composeValue = (v: string) => renderReferences(v, dollars, (r) => (r.fallback === undefined ? `\${${r.name}}` : `\${${r.name}:-${dollars(r.fallback)}}`));
const secs = (ms: number) => `${Math.max(0, Math.round(ms / 100) / 10)}s`;
/** Where the project is mounted in each container. */
export const APP_DIR = '/app';

export function exportCompose(pitfile: Pitfile, options: Partial<ExportOptions> | string | null = {}): Exported {
  const opts = exportOptions(options);
  const warnings: string[] = [];
  const names = nameMap(pitfile, 'dns', 'Compose', warnings);
  const loopback: LoopbackContext = { target: 'Compose', names, listeners: listeners(pitfile), rewrite: opts.rewriteLoopback, warnings };
  const services: Record<string, unknown> = {};
  for (const p of dependencyOrder(pitfile)) {
    services[names.get(p.name)!] = service(p, pitfile, imageFor(pitfile, p.name, opts), names, loopback);
    const w = containerProgramWarning(p, opts.path, 'Compose');
    if (w) warnings.push(w);
    warnings.push(...limitWarnings(p, 'Compose'));
  }
  warnings.push(...unknownExportNames(pitfile));
  warnings.push(...unsupported(pitfile, 'Compose', { timers: false, profiles: true }));
  // No top-level name: Compose takes the project's name from the folder, as the pitfile does.
  const doc = { services };
  return { files: { 'compose.yaml': header(pitfile, 'compose', warnings) + stringify(doc, { lineWidth: 0, version: '1.1' }) }, warnings };
}

function service(p: ProcessConfig, pitfile: Pitfile, image: string, names: Map<string, string>, loopback: LoopbackContext) {
  const warnings = loopback.warnings;
  const depends = Object.fromEntries(
    Object.entries(p.dependsOn)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([dep, cond]) => [names.get(dep)!, { condition: { started: 'service_started', healthy: 'service_healthy', completed: 'service_completed_successfully' }[cond] }]),
  );
  const health = p.health && healthTest(probeFor(p, loopback));
  if (p.health && !health) warnings.push(`${p.name}: its ${p.health.check.kind === 'log' ? 'log' : 'heartbeat-file'} health check is not exported (Compose probes run a command)`);
  if (p.health && (p.health.check.kind === 'http' || p.health.check.kind === 'tcp')) warnings.push(`${p.name}: its ${p.health.check.kind} health check runs python3 inside the image; an image without python3 needs another test`);
  if (p.health?.startup) warnings.push(`${p.name}: its startup check (health.startup) is not exported (Compose has start_period only)`);
  const cwd = relative(pitfile.root, p.cwd);
  const argv = argvOf(p.command);
  loopbackCommand(p, argv, loopback);
  const env = Object.keys(p.env).sort().map((k) => [k, composeValue(loopbackEnv(p, k, p.env[k], loopback))]);
  const ports = portsOf(pitfile, p);
  const limits = enforcedLimits(p);
  const replicas = replicaCount(pitfile, p);
  const deploy = {
    // The one place Compose gets replicas: 1 is Compose's own default, left unsaid.
    ...(replicas !== 1 ? { replicas } : {}),
    ...(limits.memoryBytes || limits.cpuPercent
      ? { resources: { limits: { ...(limits.cpuPercent ? { cpus: String(limits.cpuPercent / 100) } : {}), ...(limits.memoryBytes ? { memory: `${limits.memoryBytes}b` } : {}) } } }
      : {}),
  };
  return {
    image,
    command: argv.map(composeValue),
    working_dir: cwd ? `${APP_DIR}/${cwd}` : APP_DIR,
    volumes: [`./:${APP_DIR}`],
    ...(env.length ? { environment: Object.fromEntries(env) } : {}),
    // Published on the host's loopback only: reachable from the host as under engine run, not from the network.
    ...(ports.length ? { ports: ports.map((n) => (replicas > 1 ? `127.0.0.1:${n}-${n + replicas - 1}:${n}` : `127.0.0.1:${n}:${n}`)) } : {}),
    ...(p.envFiles.length ? { env_file: p.envFiles.map((f) => relative(pitfile.root, f)) } : {}),
    restart: { always: 'always', 'on-failure': 'on-failure', never: 'no' }[p.restart.policy],
    ...(p.profiles.length ? { profiles: p.profiles } : {}),
    ...(Object.keys(depends).length ? { depends_on: depends } : {}),
    ...(health && p.health
      ? { healthcheck: { test: health, interval: secs(p.health.intervalMs), timeout: secs(p.health.timeoutMs), retries: p.health.failures, start_period: secs(p.health.startPeriodMs) } }
      : {}),
    stop_signal: p.stop.signal,
    stop_grace_period: secs(p.stop.timeoutMs),
    ...(Object.keys(deploy).length ? { deploy } : {}),
  };
}

/**
 * The probe as the container runs it. It runs inside the process's own
 * container, so 127.0.0.1 passes even when the process listens there
 * alone, where no other service reaches it; --rewrite-loopback probes the
 * service's name instead, as the others see it.
 */
function probeFor(p: ProcessConfig, ctx: LoopbackContext): HealthCheck {
  const c = p.health!.check;
  const own = ctx.names.get(p.name)!;
  const host = c.kind === 'http' ? new URL(c.url).hostname : c.kind === 'tcp' ? c.host : null;
  if (host === null || !loopbackUses(host).length) return c;
  ctx.warnings.push(
    ctx.rewrite
      ? `${p.name}: its health check probes ${own} instead of ${host} (--rewrite-loopback): it passes only when ${p.name} listens where other services reach it`
      : `${p.name}: its health check probes ${host} inside its own container, so it passes even when ${p.name} listens on loopback alone, where no other service reaches it; --rewrite-loopback probes ${own} instead`,
  );
  if (!ctx.rewrite) return c;
  if (c.kind === 'tcp') return { ...c, host: own };
  const u = new URL((c as { url: string }).url);
  u.hostname = own;
  return { kind: 'http', url: u.toString() };
}

/** A probe as a command run inside the container; the image needs the tool it names. */
function healthTest(c: HealthCheck): string[] | null {
  switch (c.kind) {
    case 'http':
      return ['CMD', 'python3', '-c', `import sys, urllib.request; sys.exit(0 if urllib.request.urlopen(${JSON.stringify(dollars(c.url))}, timeout=5).status < 300 else 1)`];
    case 'tcp':
      return ['CMD', 'python3', '-c', `import socket; socket.create_connection((${JSON.stringify(c.host)}, ${c.port}), 5)`];
    case 'exec':
      return Array.isArray(c.command) ? ['CMD', ...c.command.map(dollars)] : ['CMD-SHELL', dollars(c.command)];
    case 'file':
    case 'log':
      return null;
  }
}
