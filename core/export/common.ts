// What every exporter shares: names each target accepts, the order of
// dependencies, the commands cron reactions run, and the list of what a
// target cannot express, said once as warnings and again in the output.
import type { Pitfile, ProcessConfig, RunConcurrency } from '../model/pitfile.js';
import { errors } from '../errors.js';

/** What an export takes beyond the pitfile: what engine run would have from the exporting shell, and the flags. */
export interface ExportOptions {
  /** The image for Compose and Kubernetes where the pitfile names none (--image). */
  image: string | null;
  /** The PATH engine run passes on: the exporting shell's. */
  path: string;
  /** The open-files limit a child of engine run gets (Node raises its soft limit to the hard one); null: unknown. */
  openFiles: number | null;
  /** --rewrite-loopback: point loopback addresses at the service that listens there. */
  rewriteLoopback: boolean;
}

const defaults: ExportOptions = { image: null, path: '/usr/local/bin:/usr/bin:/bin', openFiles: null, rewriteLoopback: false };

/** Options with defaults filled; a string alone is the image (the older exportCompose(pitfile, image) form). */
export const exportOptions = (o: Partial<ExportOptions> | string | null = {}): ExportOptions =>
  typeof o === 'string' || o === null ? { ...defaults, image: o } : { ...defaults, ...o };

/** The image a process runs in for Compose and Kubernetes; none is a pitfile problem. */
export function imageFor(pitfile: Pitfile, name: string, opts: ExportOptions): string {
  const img = pitfile.export.images[name] ?? opts.image ?? pitfile.export.image;
  if (!img) throw errors.PIT_E_EXPORT_IMAGE(name);
  return img;
}

/**
 * How many copies of a process run: the one place replicas map from (Compose's
 * deploy.replicas, a Deployment's replicas:). autostart: false is 0, started
 * on demand. When the pitfile gains "replicas:", it is read here.
 */
export const replicaCount = (pitfile: Pitfile, p: ProcessConfig): number => (p.autostart ? (pitfile.replicas[p.name]?.count ?? 1) : 0);

/** export.images and export.ports keys that name no process: a typo would otherwise change nothing, silently. */
export function unknownExportNames(pitfile: Pitfile): string[] {
  return (['images', 'ports'] as const).flatMap((key) =>
    Object.keys(pitfile.export[key])
      .filter((name) => !(name in pitfile.processes))
      .map((name) => `export.${key}.${name} names no process; known: ${Object.keys(pitfile.processes).sort().join(', ')}`),
  );
}

/** The ports a process listens on, as far as the pitfile says: its http/tcp health check's, and export.ports. */
export function portsOf(pitfile: Pitfile, p: ProcessConfig): number[] {
  const out = new Set<number>(pitfile.export.ports[p.name] ?? []);
  const c = p.health?.check;
  if (c?.kind === 'tcp') out.add(c.port);
  if (c?.kind === 'http') {
    const u = new URL(c.url);
    out.add(Number(u.port || (u.protocol === 'https:' ? 443 : 80)));
  }
  return [...out].sort((a, b) => a - b);
}

export interface Exported {
  /** File name (relative to --out) → content. */
  files: Record<string, string>;
  /** What could not be expressed or had to change, one line each. */
  warnings: string[];
}

export type NameRule = 'unit' | 'dns' | 'program';

/**
 * A name the target accepts: systemd units keep [A-Za-z0-9_.-]; DNS labels
 * (Compose, Kubernetes) are lower case [a-z0-9-], at most 63, starting and
 * ending alphanumeric; supervisord programs may not hold ":" or spaces.
 */
export function safeName(name: string, rule: NameRule): string {
  let out = name;
  if (rule === 'dns') out = name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63).replace(/-+$/, '');
  else out = name.replace(/[^A-Za-z0-9_.-]+/g, '-').slice(0, 100);
  return out || 'process';
}

/** Every process's name in the target, unique, with a warning for each that changed. */
export function nameMap(pitfile: Pitfile, rule: NameRule, target: string, warnings: string[]): Map<string, string> {
  const used = new Set<string>();
  const map = new Map<string, string>();
  for (const name of Object.keys(pitfile.processes).sort()) {
    let n = safeName(name, rule);
    for (let i = 2; used.has(n); i++) n = `${safeName(name, rule).slice(0, 60)}-${i}`;
    used.add(n);
    map.set(name, n);
    if (n !== name) warnings.push(`process "${name}" is named "${n}" in ${target}: ${target} does not accept that name`);
  }
  return map;
}

/** Processes in dependency order (dependencies first), ties by name: deterministic. */
export function dependencyOrder(pitfile: Pitfile): ProcessConfig[] {
  const done = new Set<string>();
  const out: ProcessConfig[] = [];
  const visit = (name: string) => {
    if (done.has(name)) return;
    done.add(name);
    for (const dep of Object.keys(pitfile.processes[name].dependsOn).sort()) visit(dep);
    out.push(pitfile.processes[name]);
  };
  Object.keys(pitfile.processes).sort().forEach(visit);
  return out;
}

/** A cron watcher whose reaction runs a command: what a timer can do instead. */
export interface CronJob {
  name: string;
  cron: string;
  timezone: string | null;
  command: string | string[];
  /** The run's cwd as written (relative to the pitfile), or null. */
  cwd: string | null;
  env: Record<string, string>;
  concurrency: RunConcurrency;
}

export function cronJobs(pitfile: Pitfile): CronJob[] {
  const out: CronJob[] = [];
  for (const w of Object.values(pitfile.watchers).sort((a, b) => a.name.localeCompare(b.name))) {
    if (w.kind !== 'cron') continue;
    for (const r of pitfile.reactions) {
      if (!(r.on === `cron:${w.name}` || r.on === `cron:${w.name}:tick`)) continue;
      for (const a of r.do) {
        if (a.action !== 'run') continue;
        const args = a.args as { command?: string | string[]; cwd?: string; env?: Record<string, string>; concurrency?: RunConcurrency } | string | string[];
        const spec = typeof args === 'string' || Array.isArray(args) ? { command: args } : args;
        if (spec.command) out.push({ name: `${w.name}-${out.length + 1}`, cron: w.cron, timezone: w.timezone, command: spec.command, cwd: spec.cwd ?? null, env: spec.env ?? {}, concurrency: spec.concurrency ?? 'queue' });
      }
    }
  }
  return out;
}

/** What no exporter can carry over: reactions (but cron runs, where the target has timers), watchers, installs, heartbeat, plugins; profiles but to Compose. */
export function unsupported(pitfile: Pitfile, target: string, opts: { timers: boolean; profiles?: boolean }): string[] {
  const out: string[] = [];
  const timerCount = opts.timers ? cronJobs(pitfile).length : 0;
  const reactions = pitfile.reactions.length - (opts.timers ? pitfile.reactions.filter((r) => /^cron:/.test(r.on) && r.do.every((a) => a.action === 'run')).length : 0);
  if (reactions > 0) out.push(`${reactions} reaction(s) are not exported: ${target} has no event reactions`);
  const files = Object.values(pitfile.watchers).filter((w) => w.kind === 'file').length;
  if (files) out.push(`${files} file watcher(s) are not exported: ${target} does not watch files`);
  const crons = Object.values(pitfile.watchers).filter((w) => w.kind === 'cron').length;
  if (crons && !timerCount) out.push(`${crons} cron watcher(s) are not exported${opts.timers ? ' (none runs a command)' : `: ${target} has no timers`}`);
  if (pitfile.reactions.some((r) => r.do.some((a) => a.action === 'install'))) out.push(`self-healing installs are not exported: ${target} cannot install a missing Python module`);
  if (pitfile.heartbeat) out.push(`the heartbeat file is not exported: ${target} keeps its own health`);
  if (pitfile.plugins.length) out.push(`${pitfile.plugins.length} plugin(s) are not exported`);
  for (const p of Object.values(pitfile.processes)) {
    if (p.profiles.length && !opts.profiles) out.push(`${p.name}: profiles ${p.profiles.join(', ')} are not exported: ${target} runs it with the others`);
  }
  return out;
}

/** A comment block for the output's head: where it came from and what it leaves out. */
export function header(pitfile: Pitfile, target: string, notes: string[], prefix = '#'): string {
  const lines = [`Generated by "engine export ${target}" from ${pitfile.file.split('/').pop()}; edit the pitfile, not this file.`, ...notes.map((n) => `NOT EXPORTED / CHANGED: ${n}`)];
  return lines.map((l) => `${prefix} ${l}`).join('\n') + '\n';
}
