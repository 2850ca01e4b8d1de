// engine export compose: a Compose file with one service per process, in
// the image export.image (or --image) names. Compose expands $ in values,
// so every $ is doubled; the YAML library quotes everything else. A ${VAR}
// the pitfile took from the shell stays ${VAR}: Compose fills it from the
// environment of "docker compose up" (or .env), not from the exporter's.
// env_file stays a file (env_file:), never copied.
import { relative } from 'node:path';
import { stringify } from 'yaml';
import type { HealthCheck, Pitfile, ProcessConfig } from '../model/pitfile.js';
import { argvOf } from './systemd.js';
import { dependencyOrder, header, nameMap, unsupported, type Exported } from './common.js';
import { renderReferences } from './shell-reference.js';

const dollars = (v: string) => v.replace(/\$/g, '$$$$');
/** A value for Compose: literal $ doubled, a shell reference kept as Compose writes it. */
const composeValue = (v: string) => renderReferences(v, dollars, (r) => (r.fallback === undefined ? `\${${r.name}}` : `\${${r.name}:-${dollars(r.fallback)}}`));
const secs = (ms: number) => `${Math.max(0, Math.round(ms / 100) / 10)}s`;
/** Where the project is mounted in each container. */
export const APP_DIR = '/app';

export function exportCompose(pitfile: Pitfile, image: string | null): Exported {
  const warnings: string[] = [];
  const names = nameMap(pitfile, 'dns', 'Compose', warnings);
  const services: Record<string, unknown> = {};
  for (const p of dependencyOrder(pitfile)) {
    const img = pitfile.export.images[p.name] ?? image ?? pitfile.export.image;
    if (!img) throw new Error(`no image for process "${p.name}": set export.image (or export.images.${p.name}) in the pitfile, or pass --image`);
    services[names.get(p.name)!] = service(p, pitfile, img, names, warnings);
  }
  warnings.push(...unsupported(pitfile, 'Compose', { timers: false, profiles: true }));
  // No top-level name: Compose takes the project's name from the folder, as the pitfile does.
  const doc = { services };
  return { files: { 'compose.yaml': header(pitfile, 'compose', warnings) + stringify(doc, { lineWidth: 0, version: '1.1' }) }, warnings };
}

function service(p: ProcessConfig, pitfile: Pitfile, image: string, names: Map<string, string>, warnings: string[]) {
  const depends = Object.fromEntries(
    Object.entries(p.dependsOn)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([dep, cond]) => [names.get(dep)!, { condition: { started: 'service_started', healthy: 'service_healthy', completed: 'service_completed_successfully' }[cond] }]),
  );
  const health = p.health && healthTest(p.health.check);
  if (p.health && !health) warnings.push(`${p.name}: its ${p.health.check.kind === 'log' ? 'log' : 'heartbeat-file'} health check is not exported (Compose probes run a command)`);
  if (p.health && (p.health.check.kind === 'http' || p.health.check.kind === 'tcp')) warnings.push(`${p.name}: its ${p.health.check.kind} health check runs python3 inside the image; an image without python3 needs another test`);
  if (p.health?.startup) warnings.push(`${p.name}: its startup check (health.startup) is not exported (Compose has start_period only)`);
  const cwd = relative(pitfile.root, p.cwd);
  return {
    image,
    command: argvOf(p.command).map(composeValue),
    working_dir: cwd ? `${APP_DIR}/${cwd}` : APP_DIR,
    volumes: [`./:${APP_DIR}`],
    ...(Object.keys(p.env).length ? { environment: Object.fromEntries(Object.keys(p.env).sort().map((k) => [k, composeValue(p.env[k])])) } : {}),
    ...(p.envFiles.length ? { env_file: p.envFiles.map((f) => relative(pitfile.root, f)) } : {}),
    restart: { always: 'always', 'on-failure': 'on-failure', never: 'no' }[p.restart.policy],
    ...(p.profiles.length ? { profiles: p.profiles } : {}),
    ...(Object.keys(depends).length ? { depends_on: depends } : {}),
    ...(health && p.health
      ? { healthcheck: { test: health, interval: secs(p.health.intervalMs), timeout: secs(p.health.timeoutMs), retries: p.health.failures, start_period: secs(p.health.startPeriodMs) } }
      : {}),
    stop_signal: p.stop.signal,
    stop_grace_period: secs(p.stop.timeoutMs),
    ...(p.limits?.memoryBytes || p.limits?.cpuPercent
      ? { deploy: { resources: { limits: { ...(p.limits.cpuPercent ? { cpus: String(p.limits.cpuPercent / 100) } : {}), ...(p.limits.memoryBytes ? { memory: `${p.limits.memoryBytes}b` } : {}) } } } }
      : {}),
  };
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
