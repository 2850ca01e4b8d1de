// PM2 ecosystem files: { apps: [...] } (or an array of apps). PM2 runs
// `script` with an interpreter picked by its extension (node for .js, none
// for a binary) and `args` after it, without a shell: the command is a list.
// Values are JavaScript values, so every "$" is literal.
import { basename, extname } from 'node:path';
import { Draft, type Spec } from './draft.js';
import { literalDollars } from './env-references.js';
import { splitWords } from './shell-words.js';
import { formatDuration, formatSize, parseSize } from './units.js';

type App = Record<string, any>;

/** PM2's interpreter by script extension; anything else runs as a program. */
const interpreters: Record<string, string> = { '.js': 'node', '.cjs': 'node', '.mjs': 'node', '.ts': 'ts-node', '.py': 'python', '.sh': 'bash', '.rb': 'ruby', '.php': 'php', '.pl': 'perl', '.coffee': 'coffee' };

const handled = new Set(['name', 'script', 'args', 'interpreter', 'exec_interpreter', 'interpreter_args', 'node_args', 'cwd', 'env', 'autorestart', 'max_restarts', 'min_uptime', 'restart_delay', 'exp_backoff_restart_delay', 'kill_timeout', 'max_memory_restart', 'watch', 'ignore_watch', 'watch_delay', 'cron_restart', 'instances', 'exec_mode', 'autostart', 'out_file', 'error_file', 'log_file', 'log_date_format', 'merge_logs', 'combine_logs', 'time', 'output', 'error', 'log', 'user', 'uid', 'gid', 'instance_var', 'increment_var', 'treekill', 'watch_options']);
const logKeys = ['out_file', 'error_file', 'log_file', 'output', 'error', 'log', 'log_date_format', 'merge_logs', 'combine_logs', 'time'];

export const looksLikePm2 = (data: unknown) =>
  Array.isArray(data) ? data.every((a) => a && typeof a === 'object' && 'script' in a) : !!data && typeof data === 'object' && !!(data as Spec).apps && typeof (data as Spec).apps === 'object';

export function importPm2(draft: Draft, exported: unknown): void {
  const listed = Array.isArray(exported) ? exported : (exported as Spec)?.apps;
  // PM2 also takes a single app object under apps.
  const apps: App[] = Array.isArray(listed) ? listed : listed && typeof listed === 'object' ? [listed] : [];
  for (const key of Object.keys(Array.isArray(exported) ? {} : ((exported as Spec) ?? {}))) {
    if (key !== 'apps') draft.unmapped(null, null, `${key}${key === 'deploy' ? ': PM2 deploys over SSH; Pit runs on the host it is on' : ''}`);
  }
  const envName = draft.opts.env;
  if (envName && !apps.some((a) => a[`env_${envName}`])) draft.unmapped(null, null, `--env ${envName}: no app has env_${envName}`);
  for (const app of apps) appProcess(draft, app ?? {});
}

function appProcess(draft: Draft, app: App): void {
  const script = String(app.script ?? '');
  const source = String(app.name ?? (basename(script, extname(script)) || 'app'));
  const spec: Spec = {};
  const name = draft.addProcess(source, spec);
  spec.command = command(draft, name, app);
  if (app.cwd) spec.cwd = draft.path(String(app.cwd));
  const env = { ...(app.env ?? {}), ...(draft.opts.env ? app[`env_${draft.opts.env}`] ?? {} : {}) };
  if (Object.keys(env).length) spec.env = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, typeof v === 'string' ? literalDollars(v) : typeof v === 'object' ? JSON.stringify(v) : v]));
  if (draft.opts.env && app[`env_${draft.opts.env}`]) draft.explain(name, 'env', `env with env_${draft.opts.env} over it (--env ${draft.opts.env})`);
  const others = Object.keys(app).filter((k) => /^env_/.test(k) && k !== `env_${draft.opts.env}`);
  if (others.length) draft.unmapped(name, 'env', `${others.join(', ')}: pick one with engine import --env NAME`);
  if (app.autostart === false) spec.autostart = false;
  restart(draft, name, spec, app);
  const kill = app.kill_timeout === undefined ? null : duration(draft, name, 'stop', 'kill_timeout', app.kill_timeout);
  if (kill) spec.stop = { timeout: kill };
  if (app.treekill === false) draft.changed(name, 'stop', 'treekill: false: Pit always signals the whole process group');
  if (app.max_memory_restart !== undefined) {
    const bytes = parseSize(app.max_memory_restart);
    if (bytes) spec.limits = { memory: formatSize(bytes), action: 'restart' };
    else draft.unmapped(name, null, `max_memory_restart ${app.max_memory_restart}`);
  }
  watch(draft, name, spec, app);
  if (app.cron_restart) draft.restartOn(name, 'cron', { cron: String(app.cron_restart) }, `cron_restart "${app.cron_restart}"`);
  instances(draft, name, spec, app);
  const logs = logKeys.filter((k) => app[k] !== undefined);
  if (logs.length) draft.changed(name, 'logs', `${logs.map((k) => `${k} ${JSON.stringify(app[k])}`).join(', ')}: Pit writes stdout and stderr, timestamped, to .pit/logs/${name}.log`);
  for (const k of ['user', 'uid', 'gid']) if (app[k] !== undefined) draft.unmapped(name, null, `${k} ${app[k]}: Pit runs processes as the engine's user`);
  for (const k of Object.keys(app)) {
    if (handled.has(k) || /^env_/.test(k)) continue;
    draft.unmapped(name, null, `${k} ${JSON.stringify(app[k])}`);
  }
}

/**
 * instances → replicas. PM2's cluster mode shares one port between its
 * instances through Node's cluster module; Pit's replicas are separate
 * processes, so each needs a port of its own: increment_var gives that
 * (as replica_env), or the report says to.
 */
function instances(draft: Draft, name: string, spec: Spec, app: App): void {
  const given = app.instances === undefined ? 1 : app.instances;
  const n = Number(given);
  const cluster = app.exec_mode === 'cluster' || app.exec_mode === 'cluster_mode';
  if (!Number.isInteger(n) || n < 1 || n > 64) {
    draft.unmapped(name, null, `instances ${JSON.stringify(given)}: PM2 starts one per CPU${n === -1 ? ' but one' : ''} of the machine it runs on; set replicas: to a number (1-64); one copy runs`);
  } else if (n > 1) {
    spec.replicas = n;
    draft.explain(name, 'replicas', `instances ${n}: runs as ${name}.1 … ${name}.${n}`);
  }
  const many = spec.replicas !== undefined;
  const inc = app.increment_var === undefined ? null : String(app.increment_var);
  const env = (spec.env ?? {}) as Spec;
  if (inc && many && /^[0-9]+$/.test(String(env[inc] ?? ''))) {
    spec.replica_env = { [inc]: { base: Number(env[inc]) } };
    delete env[inc];
    if (!Object.keys(env).length) delete spec.env;
    draft.explain(name, 'replica_env', `increment_var ${inc}: ${name}.1 gets ${inc}=${spec.replica_env[inc].base}, ${name}.2 one more, …`);
  } else if (inc) draft.unmapped(name, null, `increment_var ${inc}: ${many ? `env ${inc} is not a number to start from` : 'one copy runs'}`);
  if (cluster && many && !spec.replica_env) {
    draft.changed(name, 'replicas', `exec_mode ${app.exec_mode}: PM2's instances share one port; Pit's replicas are separate processes: give each its own port with replica_env: { PORT: { base: 3000 } }`);
  } else if (cluster && !many) draft.explain(name, null, `exec_mode ${app.exec_mode} with one instance: one process`);
  if (app.instance_var && many) draft.changed(name, null, `instance_var ${app.instance_var}: Pit sets PIT_REPLICA (1, 2, …) instead of ${app.instance_var} (0, 1, …)`);
  else if (app.instance_var) draft.explain(name, null, `instance_var ${app.instance_var}: one copy runs; nothing to number`);
}

/** PM2 numbers are ms; strings may carry a unit ("10s", "1h"). */
function ms(v: unknown): number {
  if (typeof v === 'number') return v;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(String(v).trim());
  if (!m) return Number(v);
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[(m[2] ?? 'ms') as 'ms'];
}

/** A PM2 duration as the pitfile writes it, or null with a note. */
function duration(draft: Draft, name: string, key: string, label: string, v: unknown): string | null {
  const n = ms(v);
  if (Number.isFinite(n) && n >= 0) return formatDuration(n);
  draft.unmapped(name, key, `${label} ${JSON.stringify(v)}: not a duration`);
  return null;
}

function words(v: unknown): string[] {
  if (v === undefined || v === null || v === '') return [];
  if (Array.isArray(v)) return v.map(String);
  try {
    return splitWords(String(v));
  } catch {
    return String(v).split(/\s+/).filter(Boolean);
  }
}

/** [interpreter, interpreter args, script, args], as PM2 starts it. */
function command(draft: Draft, name: string, app: App): string[] {
  const script = String(app.script ?? '');
  if (!script) draft.unmapped(name, null, 'no script');
  const given = app.interpreter ?? app.exec_interpreter;
  const interpreter = given === 'none' || given === '' || given === null ? null : given ?? interpreters[extname(script)] ?? null;
  const interpreterArgs = [...words(app.interpreter_args), ...words(app.node_args)];
  // A script with spaces and no interpreter is a command line PM2 hands to a shell.
  if (!interpreter && /\s/.test(script)) return ['/bin/sh', '-c', literalDollars([script, ...words(app.args)].join(' '))];
  const argv = [...(interpreter ? [String(interpreter), ...interpreterArgs] : []), script, ...words(app.args)];
  if (interpreter && given === undefined) draft.explain(name, 'command', `${interpreter}: PM2's interpreter for a ${extname(script)} script`);
  return argv.map(literalDollars);
}

function restart(draft: Draft, name: string, spec: Spec, app: App): void {
  const r: Spec = { policy: app.autorestart === false ? 'never' : 'always' };
  const max = app.max_restarts === undefined ? null : draft.number(name, 'restart', 'max_restarts', app.max_restarts);
  if (max !== null) r.max_restarts = Math.round(max);
  const uptime = app.min_uptime === undefined ? null : duration(draft, name, 'restart', 'min_uptime', app.min_uptime);
  if (uptime) r.min_uptime = uptime;
  if (app.exp_backoff_restart_delay !== undefined) {
    const d = duration(draft, name, 'restart', 'exp_backoff_restart_delay', app.exp_backoff_restart_delay);
    if (d) r.delay = d;
    r.max_delay = '15s';
    draft.explain(name, 'restart', 'exp_backoff_restart_delay: doubles up to 15s, as PM2 does');
  } else if (app.restart_delay !== undefined) {
    const d = duration(draft, name, 'restart', 'restart_delay', app.restart_delay);
    if (d) r.delay = d;
    draft.changed(name, 'restart', 'restart_delay is a fixed wait in PM2; Pit doubles the delay after each quick restart');
  }
  if (app.max_restarts !== undefined) draft.explain(name, 'restart', 'PM2 counts restarts sooner than min_uptime; Pit counts restarts within window');
  spec.restart = r;
}

/** watch: true or paths, relative to the app's cwd → a file watcher over those paths and a reaction that restarts. */
function watch(draft: Draft, name: string, spec: Spec, app: App): void {
  if (!app.watch) {
    if (app.ignore_watch) draft.explain(name, null, 'ignore_watch is unused: watch is off');
    return;
  }
  const base = typeof spec.cwd === 'string' && spec.cwd !== '.' ? `${spec.cwd}/` : '';
  const paths = (app.watch === true ? ['.'] : Array.isArray(app.watch) ? app.watch : [app.watch]).map(String);
  const globs = paths.flatMap((p) => (/[*?[{]/.test(p) ? [`${base}${p}`] : p === '.' ? [`${base}**`] : [`${base}${p}`, `${base}${p}/**`]));
  const ignore = (Array.isArray(app.ignore_watch) ? app.ignore_watch : app.ignore_watch ? [app.ignore_watch] : []).map(String).flatMap((p: string) =>
    /[*?[{/]/.test(p) ? [`${base}${p}`] : [`**/${p}`, `**/${p}/**`],
  );
  const watcher: Spec = { paths: globs.map((g) => g.replace(/^\.\//, '')) };
  if (ignore.length) watcher.ignore = ignore.map((g) => g.replace(/^\.\//, ''));
  const debounce = app.watch_delay === undefined ? null : duration(draft, name, 'watch_delay', 'watch_delay', app.watch_delay);
  if (debounce) watcher.debounce = debounce;
  if (watcher.paths && (watcher.paths as string[]).some((g) => g.startsWith('../'))) draft.changed(name, null, 'watch reaches outside the pitfile\'s folder; Pit watches only below it: move the pitfile up, or narrow watch');
  draft.restartOn(name, 'file', watcher, `watch${app.ignore_watch ? ' and ignore_watch' : ''}`);
  if (app.watch_options) draft.unmapped(name, null, `watch_options ${JSON.stringify(app.watch_options)}`);
}
