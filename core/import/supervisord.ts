// supervisord.conf: each [program:x] (numprocs copies, named by
// process_name) becomes a process. supervisord runs the command without a
// shell, so it is split as supervisord splits it; %(...)s expansions are
// done here, except %(ENV_X)s, which the pitfile reads at load as ${X}.
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { Draft, type Spec } from './draft.js';
import { literalDollars } from './env-references.js';
import { commandOfWords, splitWords } from './shell-words.js';
import { expand, parseEnvironment, readSupervisordConfig, type IniSection } from './supervisord-ini.js';
import { formatDuration, formatSize, parseSize, pitSignal } from './units.js';

/** Options handled below; any other is reported as not mapped. */
const known = new Set([
  'command', 'process_name', 'numprocs', 'numprocs_start', 'directory', 'environment', 'autostart', 'autorestart', 'startsecs',
  'startretries', 'stopsignal', 'stopwaitsecs', 'stopasgroup', 'killasgroup', 'priority', 'exitcodes', 'user', 'redirect_stderr',
  'stdout_logfile', 'stderr_logfile', 'stdout_logfile_maxbytes', 'stdout_logfile_backups', 'stderr_logfile_maxbytes', 'stderr_logfile_backups',
]);
const logNotes = ['stdout_capture_maxbytes', 'stdout_events_enabled', 'stdout_syslog', 'stderr_capture_maxbytes', 'stderr_events_enabled', 'stderr_syslog'];

export const looksLikeSupervisord = (text: string) => /^\s*\[(program|supervisord|group|include|eventlistener|fcgi-program|unix_http_server|supervisorctl)(:[^\]]*)?\]/m.test(text);

export function importSupervisord(draft: Draft, text: string): void {
  const sections = readSupervisordConfig(draft.opts.file, text);
  const main = sections.find((s) => s.name === 'supervisord');
  const globalEnv = main?.values.get('environment') ? parseEnvironment(expand(main.values.get('environment')!, { here: dirname(main.file) })) : {};
  const groups = new Map<string, string>();
  for (const s of sections.filter((s) => s.name.startsWith('group:'))) {
    for (const p of (s.values.get('programs') ?? '').split(',').map((x) => x.trim()).filter(Boolean)) groups.set(p, s.name.slice(6));
  }
  const byPriority: { names: string[]; priority: number | null }[] = [];
  for (const s of sections) {
    const [kind] = s.name.split(':');
    if (kind === 'program') byPriority.push(program(draft, s, globalEnv, groups));
    else if (['group', 'include'].includes(kind)) continue;
    else if (kind === 'supervisord') {
      if (s.values.has('environment')) draft.changed(null, null, `[supervisord] environment= is given to every process (in its env)`);
      const own = [...s.values.keys()].filter((k) => k !== 'environment');
      if (own.length) draft.unmapped(null, null, `[supervisord] ${own.join(', ')}: supervisord's own settings; Pit has its own (engine run, .pit/)`);
    }
    else if (['eventlistener', 'fcgi-program'].includes(kind)) draft.unmapped(null, null, `[${s.name}]: Pit has no ${kind === 'eventlistener' ? 'event listeners (use reactions)' : 'FastCGI sockets'}`);
    else draft.unmapped(null, null, `[${s.name}]: supervisord's own settings; Pit has its own (engine run, .pit/)`);
  }
  priorityOrder(draft, byPriority);
}

function program(draft: Draft, s: IniSection, globalEnv: Record<string, string>, groups: Map<string, string>) {
  const v = s.values;
  const programName = s.name.slice('program:'.length);
  const given = Number(v.get('numprocs') ?? 1);
  const start = Number(v.get('numprocs_start') ?? 0) || 0;
  const numprocs = Number.isInteger(given) && given > 0 ? given : 1;
  // Copies that differ only by name are replicas; one whose options use %(process_num)d stays a process of its own.
  const asReplicas = numprocs > 1 && numprocs <= 64 && ![...v].some(([k, val]) => k !== 'process_name' && /%\(process_num\)/.test(val));
  const names: string[] = [];
  for (let num = start; num < start + (asReplicas ? 1 : numprocs); num++) {
    const vars = { program_name: programName, process_num: num, group_name: groups.get(programName) ?? programName, host_node_name: hostname(), here: dirname(s.file), numprocs };
    const unknown: string[] = [];
    const x = (key: string) => (v.has(key) ? expand(v.get(key)!, vars, unknown) : undefined);
    const procName = asReplicas ? programName : (x('process_name') ?? programName);
    const spec: Spec = {};
    const name = draft.addProcess(procName, spec);
    names.push(name);
    try {
      spec.command = commandOfWords(splitWords(x('command') ?? '').map(literalEnv));
    } catch (e) {
      spec.command = literalEnv(x('command') ?? '');
      draft.changed(name, 'command', `supervisord could not split it either (${(e as Error).message}); kept as a shell line`);
    }
    if (!x('command')) draft.unmapped(name, null, 'no command= in the section');
    const dir = x('directory');
    if (dir) spec.cwd = draft.path(dir, dirname(s.file));
    const env = { ...globalEnv, ...(x('environment') ? parseEnvironment(x('environment')!) : {}) };
    if (Object.keys(env).length) spec.env = Object.fromEntries(Object.entries(env).map(([k, val]) => [k, literalEnv(val)]));
    const autostart = x('autostart');
    if (autostart === 'false') spec.autostart = false;
    else if (autostart !== undefined && autostart !== 'true') draft.unmapped(name, null, `autostart=${autostart}: not true or false here; it starts with the engine`);
    restart(draft, name, spec, x);
    stop(draft, name, spec, x);
    logs(draft, name, spec, x);
    if (x('user')) draft.unmapped(name, null, `user=${x('user')}: Pit runs processes as the engine's user (run the engine as ${x('user')})`);
    if (groups.has(programName)) draft.unmapped(name, null, `in [group:${groups.get(programName)}]: Pit has no groups (engine restart takes several names)`);
    if (asReplicas) {
      spec.replicas = numprocs;
      draft.explain(name, 'replicas', `numprocs=${numprocs}: runs as ${name}.1 … ${name}.${numprocs}${v.has('process_name') ? ` (supervisord named them by process_name=${v.get('process_name')})` : ''}`);
    } else if (numprocs > 1) draft.explain(name, null, `copy ${num} of ${numprocs} of [program:${programName}] (numprocs; each differs by %(process_num)d, so each is a process of its own)`);
    if (numprocs !== given) draft.unmapped(name, null, `numprocs=${v.get('numprocs')}: not a number here (it is read when supervisord starts); one copy is imported`);
    for (const key of v.keys()) {
      if (known.has(key) || key === 'numprocs_start') continue;
      if (logNotes.includes(key) || /^std(out|err)_/.test(key)) draft.unmapped(name, 'logs', `${key}=${v.get(key)}: Pit keeps one log per process in .pit/logs/`);
      else draft.unmapped(name, null, `${key}=${v.get(key)}`);
    }
    for (const u of new Set(unknown)) draft.unmapped(name, null, `%(${u})s: not a name supervisord expands here`);
  }
  const priority = v.has('priority') ? Number(v.get('priority')) : null;
  return { names, priority };
}

/** ${X} from %(ENV_X)s is the pitfile's own; any other $ goes to the process as written. */
function literalEnv(text: string): string {
  return text.split(/(\$\{[A-Za-z_][A-Za-z0-9_]*\})/).map((part, i) => (i % 2 ? part : literalDollars(part))).join('');
}

function restart(draft: Draft, name: string, spec: Spec, x: (k: string) => string | undefined): void {
  const r: Spec = {};
  const auto = x('autorestart') ?? 'unexpected';
  r.policy = { true: 'always', false: 'never', unexpected: 'on-failure' }[auto] ?? 'on-failure';
  if (!['true', 'false', 'unexpected'].includes(auto)) draft.unmapped(name, 'restart', `autorestart=${auto}: not true, false or unexpected here; on-failure is used`);
  if (auto === 'unexpected' && (x('exitcodes') ?? '0') !== '0') draft.changed(name, 'restart', `exitcodes=${x('exitcodes')}: Pit counts only exit code 0 as expected`);
  const startsecs = x('startsecs') === undefined ? null : draft.number(name, 'restart', 'startsecs', x('startsecs'));
  if (startsecs !== null) r.min_uptime = formatDuration(startsecs * 1000);
  const retries = x('startretries') === undefined ? null : draft.number(name, 'restart', 'startretries', x('startretries'));
  if (retries !== null) r.max_restarts = Math.round(retries);
  if (x('startsecs') !== undefined || x('startretries') !== undefined) {
    draft.explain(name, 'restart', 'startsecs → min_uptime, startretries → max_restarts: supervisord retries only failed starts; Pit counts every restart in a window');
  }
  spec.restart = r;
}

function stop(draft: Draft, name: string, spec: Spec, x: (k: string) => string | undefined): void {
  const st: Spec = {};
  const sig = x('stopsignal');
  if (sig) {
    const s = pitSignal(sig);
    if (s) st.signal = s;
    else draft.unmapped(name, 'stop', `stopsignal=${sig}: Pit sends SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGKILL, SIGUSR1 or SIGUSR2`);
  }
  const wait = x('stopwaitsecs') === undefined ? null : draft.number(name, 'stop', 'stopwaitsecs', x('stopwaitsecs'));
  if (wait !== null) st.timeout = formatDuration(wait * 1000);
  if (Object.keys(st).length) spec.stop = st;
  for (const k of ['stopasgroup', 'killasgroup']) {
    if (x(k) === 'false') draft.changed(name, 'stop', `${k}=false: Pit always signals the whole process group`);
  }
}

function logs(draft: Draft, name: string, spec: Spec, x: (k: string) => string | undefined): void {
  const file = x('stdout_logfile') ?? x('stderr_logfile');
  if (file) draft.changed(name, 'logs', `stdout_logfile/stderr_logfile (${file}): Pit writes stdout and stderr to .pit/logs/${name}.log`);
  if (x('redirect_stderr') === 'true') draft.explain(name, null, 'redirect_stderr=true: Pit captures stderr in the same log anyway');
  const max = x('stdout_logfile_maxbytes') ?? x('stderr_logfile_maxbytes');
  const keep = x('stdout_logfile_backups') ?? x('stderr_logfile_backups');
  const toFile = file && !/^(\/dev\/|none$|syslog$)/i.test(file);
  const l: Spec = {};
  const bytes = max === undefined ? null : parseSize(max);
  if (toFile && bytes) l.max_size = formatSize(bytes);
  const kept = toFile && keep !== undefined ? draft.number(name, 'logs', 'stdout_logfile_backups', keep) : null;
  if (kept !== null) l.keep = Math.round(kept);
  if (Object.keys(l).length) spec.logs = l;
}

/**
 * supervisord starts lower priorities first and never waits for readiness.
 * Where programs set different priorities, each waits for the programs of
 * the next lower priority to be started: the same order, said in the one
 * way a pitfile says order. Equal or unset priorities express none.
 */
function priorityOrder(draft: Draft, programs: { names: string[]; priority: number | null }[]): void {
  const set = programs.filter((p) => p.priority !== null);
  const levels = [...new Set(set.map((p) => p.priority!))].sort((a, b) => a - b);
  if (levels.length < 2) {
    for (const p of set) for (const n of p.names) draft.explain(n, null, `priority=${p.priority}: no other priority, so no start order to keep`);
    return;
  }
  for (const p of set) {
    const lower = levels.filter((l) => l < p.priority!).pop();
    for (const n of p.names) {
      if (lower === undefined) {
        draft.explain(n, null, `priority=${p.priority}: started first`);
        continue;
      }
      const before = set.filter((q) => q.priority === lower).flatMap((q) => q.names);
      for (const b of before) draft.need(n, b, 'started');
      draft.explain(n, 'depends_on', `from priority=${p.priority}: supervisord starts priority ${lower} first and does not wait for readiness`);
    }
  }
}
