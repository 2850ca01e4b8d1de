// Compose files: a service with a command (or an entrypoint) becomes a
// process run on this machine; one that is only an image needs a container
// and is listed, not guessed. What only a container has (image, ports,
// volumes, networks) is named where it was. Anchors and "<<" merges are
// resolved by the YAML reader; x- fields are templates, read through them.
import { posix } from 'node:path';
import { parse } from 'yaml';
import { Draft, type Spec } from './draft.js';
import { dotenvNote, loadTimeReferences } from './env-references.js';
import { formatDuration, formatSize, parseGoDuration, parseSize, pitSignal } from './units.js';

type Service = Record<string, any>;

const containerOnly = ['image', 'build', 'ports', 'expose', 'volumes', 'networks', 'network_mode', 'container_name', 'hostname', 'domainname', 'links', 'external_links', 'extra_hosts', 'dns', 'dns_search', 'labels', 'logging', 'privileged', 'cap_add', 'cap_drop', 'devices', 'security_opt', 'ulimits', 'sysctls', 'tmpfs', 'shm_size', 'ipc', 'pid', 'init', 'tty', 'stdin_open', 'platform', 'pull_policy', 'secrets', 'configs', 'user', 'userns_mode', 'mem_limit', 'cpus', 'runtime', 'volumes_from', 'group_add', 'read_only'];
const handled = ['command', 'entrypoint', 'environment', 'env_file', 'depends_on', 'healthcheck', 'restart', 'working_dir', 'stop_signal', 'stop_grace_period', 'deploy', 'profiles'];

export const looksLikeCompose = (data: unknown) => !!data && typeof data === 'object' && 'services' in data && typeof (data as Spec).services === 'object';

export function importCompose(draft: Draft, text: string): void {
  const dotenv = dotenvNote(text, draft.sourceDir);
  if (dotenv) draft.changed(null, null, dotenv);
  const data = parse(text, { merge: true, maxAliasCount: 1000 }) as Spec;
  for (const key of Object.keys(data ?? {})) {
    if (key === 'services') continue;
    if (key.startsWith('x-')) draft.explain(null, null, `${key}: an extension field; its values are read where anchors use them`);
    else if (key === 'version' || key === 'name') continue;
    else draft.unmapped(null, null, `top-level ${key}: ${Object.keys((data[key] as Spec) ?? {}).join(', ') || '(empty)'} (containers' resources; Pit runs processes on this machine)`);
  }
  for (const [source, svc] of Object.entries((data.services ?? {}) as Record<string, Service>)) {
    const s = svc ?? {};
    // A command that starts with "-" is arguments to the image's own entrypoint.
    const argsOnly = s.image && !s.build && s.entrypoint === undefined && /^\s*-/.test(Array.isArray(s.command) ? String(s.command[0] ?? '') : String(s.command ?? ''));
    if ((s.command === undefined && s.entrypoint === undefined) || argsOnly) {
      const what = s.image ? `image ${s.image}` : s.build ? `a build of ${typeof s.build === 'string' ? s.build : s.build.context ?? '.'}` : 'a container';
      draft.unmapped(null, null, `service "${source}" runs ${what}${argsOnly ? ` with the arguments ${JSON.stringify(s.command)}` : ' with no command of its own'}: it needs a container (run it with docker compose, or write its command here)`);
      continue;
    }
    service(draft, source, s);
  }
}

function service(draft: Draft, source: string, s: Service): void {
  const spec: Spec = {};
  const name = draft.addProcess(source, spec);
  const refs = (text: string, key: string) => {
    const r = loadTimeReferences(String(text));
    for (const u of r.unmapped) draft.unmapped(name, key, `${u}: a pitfile has no such form; kept literally`);
    return r.text;
  };
  spec.command = command(s, (t) => refs(t, 'command'));
  if (s.image) draft.changed(name, 'command', `ran in the image ${s.image}; here it runs on this machine, which needs the programs the image had`);
  if (s.build) draft.changed(name, 'command', `ran in an image built from ${typeof s.build === 'string' ? s.build : s.build.context ?? '.'}; here it runs on this machine`);
  const cwd = workingDir(s);
  if (cwd) spec.cwd = draft.path(cwd);
  else if (s.working_dir) draft.unmapped(name, null, `working_dir ${s.working_dir}: a path inside the container`);
  const env = environment(s.environment, name, draft, refs);
  if (env && Object.keys(env).length) spec.env = env;
  const files = envFiles(s.env_file);
  if (files.length) spec.env_file = files.length === 1 ? draft.path(files[0]) : files.map((f) => draft.path(f));
  restart(draft, name, spec, s.restart);
  health(draft, name, spec, s.healthcheck, refs);
  dependsOn(draft, name, s.depends_on);
  const stop: Spec = {};
  if (s.stop_signal) {
    const sig = pitSignal(s.stop_signal);
    if (sig) stop.signal = sig;
    else draft.unmapped(name, 'stop', `stop_signal ${s.stop_signal}: not a signal Pit sends`);
  }
  const grace = s.stop_grace_period === undefined ? null : parseGoDuration(s.stop_grace_period);
  if (grace !== null) stop.timeout = formatDuration(grace);
  else if (s.stop_grace_period !== undefined) draft.unmapped(name, 'stop', `stop_grace_period ${s.stop_grace_period}: not a duration here`);
  if (Object.keys(stop).length) spec.stop = stop;
  deploy(draft, name, spec, s.deploy);
  profiles(draft, name, spec, s.profiles);
  const containerKeys = Object.keys(s).filter((k) => containerOnly.includes(k) && !['image', 'build'].includes(k));
  if (containerKeys.length) draft.unmapped(name, null, `${containerKeys.map((k) => `${k}${summary(s[k])}`).join('; ')}: container settings; Pit runs the process on this machine`);
  for (const k of Object.keys(s)) {
    if (!containerOnly.includes(k) && !handled.includes(k)) draft.unmapped(name, null, `${k}${summary(s[k])}`);
  }
}

/** A short rendering of a value for a note. */
function summary(v: unknown): string {
  const text = typeof v === 'string' ? v : JSON.stringify(v);
  return ` ${text.length > 80 ? `${text.slice(0, 77)}...` : text}`;
}

/**
 * Compose splits a string command into words (no shell) and runs
 * entrypoint + command. A string stays a string (the shell gives the same
 * words unless it holds shell syntax Compose would have passed on as text);
 * a list stays a list.
 */
function command(s: Service, refs: (t: string) => string): string | string[] {
  const words = (v: unknown) => (v === undefined || v === null ? [] : Array.isArray(v) ? v.map((x) => refs(String(x))) : null);
  const entry = words(s.entrypoint);
  const cmd = words(s.command);
  if (entry && cmd) return [...entry, ...cmd];
  const line = [s.entrypoint, s.command].filter((x) => x !== undefined && x !== null).map((x) => (Array.isArray(x) ? x.join(' ') : String(x))).join(' ');
  return refs(line);
}

/** working_dir inside a bind mount of a local folder, as that folder; else a build context. */
function workingDir(s: Service): string | null {
  for (const v of (s.volumes ?? []) as unknown[]) {
    const [src, target] = typeof v === 'string' ? v.split(':') : [(v as Spec)?.source, (v as Spec)?.target];
    if (typeof src !== 'string' || typeof target !== 'string' || !/^\.{1,2}(\/|$)/.test(src)) continue;
    const wd = s.working_dir ?? null;
    if (wd && (wd === target || wd.startsWith(`${target.replace(/\/$/, '')}/`))) return posix.join(src, posix.relative(target, wd)) || '.';
  }
  const context = typeof s.build === 'string' ? s.build : s.build?.context;
  return typeof context === 'string' && !/^[a-z]+:\/\//.test(context) ? context : null;
}

function environment(env: unknown, name: string, draft: Draft, refs: (t: string, k: string) => string): Record<string, string> | null {
  if (!env) return null;
  const out: Record<string, string> = {};
  const passed: string[] = [];
  const entries: [string, unknown][] = Array.isArray(env)
    ? env.map((e) => {
        const text = String(e);
        const i = text.indexOf('=');
        return i < 0 ? [text, null] : [text.slice(0, i), text.slice(i + 1)];
      })
    : Object.entries(env as Spec);
  for (const [k, v] of entries) {
    if (v === null || v === undefined) passed.push(k);
    else out[k] = refs(String(v), 'env');
  }
  if (passed.length) draft.explain(name, 'env', `${passed.join(', ')}: passed from the environment, as every process gets the engine's`);
  return out;
}

function envFiles(v: unknown): string[] {
  if (!v) return [];
  return (Array.isArray(v) ? v : [v]).map((f) => (typeof f === 'string' ? f : String((f as Spec).path)));
}

function restart(draft: Draft, name: string, spec: Spec, r: unknown): void {
  if (r === undefined) {
    spec.restart = { policy: 'never' };
    draft.explain(name, 'restart', 'Compose restarts nothing unless told (restart: no)');
    return;
  }
  const m = /^(no|always|unless-stopped|on-failure)(?::(\d+))?$/.exec(String(r));
  if (!m) return draft.unmapped(name, 'restart', `restart ${r}`);
  spec.restart = { policy: { no: 'never', always: 'always', 'unless-stopped': 'always', 'on-failure': 'on-failure' }[m[1]], ...(m[2] ? { max_restarts: Number(m[2]) } : {}) };
  if (m[1] === 'unless-stopped') draft.explain(name, 'restart', 'unless-stopped: a process stopped by hand stays stopped in Pit too');
}

function health(draft: Draft, name: string, spec: Spec, hc: Spec | undefined, refs: (t: string, k: string) => string): void {
  if (!hc) return;
  if (hc.disable === true) return draft.explain(name, null, 'healthcheck disabled');
  const test = hc.test;
  let exec: string | string[] | null = null;
  if (typeof test === 'string') exec = refs(test, 'health');
  else if (Array.isArray(test) && test[0] === 'CMD') exec = test.slice(1).map((t) => refs(String(t), 'health'));
  else if (Array.isArray(test) && test[0] === 'CMD-SHELL') exec = refs(String(test.slice(1).join(' ')), 'health');
  if (!exec || (Array.isArray(exec) && !exec.length)) return void (test && !(Array.isArray(test) && test[0] === 'NONE') && draft.unmapped(name, 'health', `healthcheck test ${JSON.stringify(test)}`));
  const h: Spec = { exec };
  for (const [from, to] of [['interval', 'interval'], ['timeout', 'timeout'], ['start_period', 'start_period']] as const) {
    const ms = hc[from] === undefined ? null : parseGoDuration(hc[from]);
    if (ms !== null) h[to] = formatDuration(ms);
    else if (hc[from] !== undefined) draft.unmapped(name, 'health', `${from} ${hc[from]}: not a duration here`);
  }
  const retries = hc.retries === undefined ? null : draft.number(name, 'health', 'retries', hc.retries);
  if (retries !== null) h.failures = Math.max(1, Math.round(retries));
  if (hc.start_interval !== undefined) draft.unmapped(name, 'health', `start_interval ${hc.start_interval}: Pit probes at one interval`);
  spec.health = h;
  draft.explain(name, 'health', 'runs on this machine now, not in the container: it needs the tools it names');
}

function dependsOn(draft: Draft, name: string, deps: unknown): void {
  if (!deps) return;
  const conditions: Record<string, 'started' | 'healthy' | 'completed'> = { service_started: 'started', service_healthy: 'healthy', service_completed_successfully: 'completed' };
  const entries: [string, Spec][] = Array.isArray(deps) ? deps.map((d) => [String(d), {}]) : Object.entries(deps as Record<string, Spec>).map(([k, v]) => [k, v ?? {}]);
  for (const [dep, opts] of entries) {
    draft.need(name, dep, conditions[String(opts.condition ?? 'service_started')] ?? 'started');
    if (opts.restart === true) draft.unmapped(name, 'depends_on', `${dep}: restart: true (restart this when ${dep} restarts): use a reaction on process:${dep}:state`);
    if (opts.required === false) draft.changed(name, 'depends_on', `${dep}: required: false; Pit waits for it when it is defined`);
  }
}

/** Compose's profiles are Pit's: the process runs with engine run --profile NAME, or when named. */
function profiles(draft: Draft, name: string, spec: Spec, p: unknown): void {
  if (p === undefined || p === null) return;
  const list = Array.isArray(p) ? [...new Set(p.map(String))] : [];
  const valid = list.filter((x) => /^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(x));
  if (valid.length) spec.profiles = valid;
  const bad = Array.isArray(p) ? list.filter((x) => !valid.includes(x)) : [JSON.stringify(p)];
  if (bad.length) draft.unmapped(name, 'profiles', `profiles ${bad.join(', ')}: not a profile name (letters, digits, "_", "." and "-")`);
}

function deploy(draft: Draft, name: string, spec: Spec, d: Spec | undefined): void {
  if (!d) return;
  const limits = d.resources?.limits ?? {};
  const l: Spec = {};
  const mem = limits.memory === undefined ? null : parseSize(limits.memory);
  if (mem) l.memory = formatSize(mem);
  if (limits.cpus !== undefined) l.cpu = `${Math.round(Number(limits.cpus) * 100)}%`;
  if (Object.keys(l).length) {
    spec.limits = { ...l, action: 'restart' };
    draft.changed(name, 'limits', 'a container is killed at its limit; Pit restarts the process once the limit has held for 30s');
  }
  const replicas = Number(d.replicas);
  if (Number.isInteger(replicas) && replicas > 1 && replicas <= 64) {
    spec.replicas = replicas;
    draft.changed(name, 'replicas', `deploy.replicas ${replicas}: ${name}.1 … ${name}.${replicas} run on this host and cannot all listen on one port: give each its own with replica_env: { PORT: { base: 3000 } }`);
  } else if (d.replicas !== undefined && replicas !== 1) draft.unmapped(name, null, `deploy.replicas ${d.replicas}: replicas is a whole number from 1 to 64; one copy runs`);
  const rest = Object.keys(d).filter((k) => k !== 'replicas' && k !== 'resources');
  if (rest.length || limits.pids || d.resources?.reservations) draft.unmapped(name, null, `deploy ${rest.join(', ') || 'resources'}: Swarm settings`);
}
