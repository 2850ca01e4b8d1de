// process-compose.yaml: each process runs its command through a shell, as a
// pitfile string does. Probes follow Kubernetes' shape: a readiness probe is
// the process's health (restart: false); a liveness probe also restarts it
// when it fails. ready_log_line is a substring of a line: a log check with
// the text escaped.
import { parse } from 'yaml';
import { Draft, type Spec } from './draft.js';
import { dotenvNote, literalDollars, loadTimeReferences } from './env-references.js';
import { formatDuration, pitSignal } from './units.js';
import { literalLinePattern } from '../logs/line-pattern.js';

const handled = ['command', 'working_dir', 'environment', 'depends_on', 'readiness_probe', 'liveness_probe', 'ready_log_line', 'availability', 'disabled', 'shutdown', 'description'];

export const looksLikeProcessCompose = (data: unknown) =>
  !!data && typeof data === 'object' && 'processes' in data && !('services' in data) && !('apps' in data) && typeof (data as Spec).processes === 'object';

export function importProcessCompose(draft: Draft, text: string): void {
  const dotenv = dotenvNote(text, draft.sourceDir);
  if (dotenv) draft.changed(null, null, dotenv);
  const data = (parse(text, { merge: true, maxAliasCount: 1000 }) ?? {}) as Spec;
  const globalEnv = envList(data.environment);
  const literal = data.disable_env_expansion === true;
  if (literal) draft.explain(null, null, 'disable_env_expansion: every $ is kept for the shell');
  for (const key of Object.keys(data)) {
    if (key === 'processes' || key === 'version' || key === 'disable_env_expansion') continue;
    if (key === 'environment') draft.changed(null, null, 'top-level environment is given to every process (in its env)');
    else draft.unmapped(null, null, `top-level ${key}${key.startsWith('log') ? ': Pit keeps one log per process in .pit/logs/' : ''}`);
  }
  const all = (data.processes ?? {}) as Record<string, Spec>;
  for (const [source, p] of Object.entries(all)) proc(draft, source, p ?? {}, globalEnv, literal, all);
}

function proc(draft: Draft, source: string, p: Spec, globalEnv: Record<string, string>, literal: boolean, all: Record<string, Spec>): void {
  const spec: Spec = {};
  const name = draft.addProcess(source, spec);
  const refs = (t: unknown, key: string) => {
    const r = literal ? { text: literalDollars(String(t)), unmapped: [] } : loadTimeReferences(String(t));
    for (const u of r.unmapped) draft.unmapped(name, key, `${u}: a pitfile has no such form; kept literally`);
    return r.text;
  };
  if (p.command === undefined) draft.unmapped(name, null, 'no command');
  spec.command = refs(p.command ?? 'true', 'command');
  if (p.description) draft.explain(name, null, String(p.description));
  if (p.working_dir) spec.cwd = draft.path(refs(p.working_dir, 'cwd'));
  const env = { ...globalEnv, ...envList(p.environment) };
  if (Object.keys(env).length) spec.env = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, refs(v, 'env')]));
  if (p.disabled === true) spec.autostart = false;
  for (const [dep, opts] of Object.entries((p.depends_on ?? {}) as Record<string, Spec>)) {
    const c = String(opts?.condition ?? 'process_started');
    const cond = ({ process_started: 'started', process_healthy: 'healthy', process_completed_successfully: 'completed', process_completed: 'completed' } as const)[c as 'process_started'];
    // Its ready_log_line is its health (or its startup check): waiting for healthy waits for the line.
    const logReady = c === 'process_log_ready' && !!all[dep]?.ready_log_line;
    draft.need(name, dep, logReady ? 'healthy' : (cond ?? 'started'));
    if (c === 'process_completed') draft.changed(name, 'depends_on', `${dep}: process_completed waits for any exit; Pit's completed waits for exit code 0`);
    if (c === 'process_log_ready') {
      if (!logReady) draft.unmapped(name, 'depends_on', `${dep}: process_log_ready, but ${dep} has no ready_log_line; waits for it to be started`);
      else if (all[dep].readiness_probe || all[dep].liveness_probe) draft.changed(name, 'depends_on', `${dep}: process_log_ready becomes healthy, which waits for ${dep}'s probe to pass after the line too`);
    } else if (!cond) draft.unmapped(name, 'depends_on', `${dep}: condition ${c}; waits for it to be started`);
  }
  probes(draft, name, spec, p, refs);
  availability(draft, name, spec, p.availability);
  shutdown(draft, name, spec, p.shutdown, refs);
  if (p.log_location) draft.unmapped(name, null, `log_location ${p.log_location}: Pit writes .pit/logs/${name}.log`);
  const replicas = p.replicas === undefined ? null : Number(p.replicas);
  if (replicas !== null && Number.isInteger(replicas) && replicas >= 1 && replicas <= 64) {
    if (replicas > 1) spec.replicas = replicas;
    // process-compose numbers replicas from 0 (PC_REPLICA_NUM); Pit from 1.
    if (JSON.stringify([p.command, p.environment]).includes('PC_REPLICA_NUM')) draft.changed(name, 'replicas', 'PC_REPLICA_NUM (0, 1, …) is PIT_REPLICA (1, 2, …) in Pit: use $((PIT_REPLICA - 1)) where the old numbers matter');
  }
  for (const k of Object.keys(p)) {
    if (handled.includes(k) || k === 'log_location' || (k === 'replicas' && replicas !== null && Number.isInteger(replicas) && replicas >= 1 && replicas <= 64)) continue;
    const why: Record<string, string> = { replicas: 'replicas is a whole number from 1 to 64; one copy runs', is_daemon: 'Pit supervises processes that stay in the foreground', namespace: 'Pit has no namespaces', vars: 'Go template variables are not expanded' };
    draft.unmapped(name, null, `${k} ${JSON.stringify(p[k])}${why[k] ? `: ${why[k]}` : ''}`);
  }
}

function envList(v: unknown): Record<string, string> {
  if (!v) return {};
  if (!Array.isArray(v)) return Object.fromEntries(Object.entries(v as Spec).map(([k, x]) => [k, String(x)]));
  return Object.fromEntries(
    v.map((e) => {
      const t = String(e);
      const i = t.indexOf('=');
      return i < 0 ? [t, ''] : [t.slice(0, i), t.slice(i + 1)];
    }),
  );
}

function probe(draft: Draft, name: string, pr: Spec, refs: (t: unknown, k: string) => string): Spec | null {
  const h: Spec = {};
  if (pr.exec?.command) h.exec = refs(pr.exec.command, 'health');
  else if (pr.http_get) {
    const g = pr.http_get;
    h.http = `${g.scheme ?? 'http'}://${g.host ?? '127.0.0.1'}:${g.port ?? 80}${g.path ?? '/'}`;
  } else {
    draft.unmapped(name, 'health', `probe ${JSON.stringify(pr)}`);
    return null;
  }
  const n = (k: string) => (pr[k] === undefined ? null : draft.number(name, 'health', k, pr[k]));
  const [period, timeout, failures, delay] = ['period_seconds', 'timeout_seconds', 'failure_threshold', 'initial_delay_seconds'].map(n);
  if (period !== null) h.interval = formatDuration(period * 1000);
  if (timeout !== null) h.timeout = formatDuration(timeout * 1000);
  if (failures !== null) h.failures = Math.max(1, Math.round(failures));
  if (delay !== null) h.start_period = formatDuration(delay * 1000);
  for (const k of Object.keys(pr)) {
    if (!['exec', 'http_get', 'period_seconds', 'timeout_seconds', 'failure_threshold', 'initial_delay_seconds', 'success_threshold'].includes(k)) draft.unmapped(name, 'health', `probe ${k} ${JSON.stringify(pr[k])}`);
  }
  for (const k of Object.keys(pr.exec ?? pr.http_get ?? {})) {
    if (!['command', 'host', 'scheme', 'path', 'port'].includes(k)) draft.unmapped(name, 'health', `probe ${pr.exec ? 'exec' : 'http_get'}.${k} ${JSON.stringify((pr.exec ?? pr.http_get)[k])}`);
  }
  if (pr.success_threshold !== undefined && Number(pr.success_threshold) !== 1) draft.unmapped(name, 'health', `success_threshold ${pr.success_threshold}: one passing probe makes a process healthy in Pit`);
  return h;
}

function probes(draft: Draft, name: string, spec: Spec, p: Spec, refs: (t: unknown, k: string) => string): void {
  const ready = p.readiness_probe && probe(draft, name, p.readiness_probe, refs);
  const live = p.liveness_probe && probe(draft, name, p.liveness_probe, refs);
  // Readiness only reports; a liveness probe restarts.
  const health = ready || live ? { ...(ready || live), restart: !!live } : null;
  if (ready && live) draft.unmapped(name, 'health', `liveness_probe ${JSON.stringify(p.liveness_probe)}: Pit has one probe per process (the readiness probe is used, and restarts it when it fails)`);
  const line = p.ready_log_line === undefined || p.ready_log_line === '' ? null : literalLinePattern(String(p.ready_log_line));
  if (line && health) {
    spec.health = { ...health, startup: { log: line } };
    draft.changed(name, 'health', `ready_log_line ${JSON.stringify(p.ready_log_line)} is the startup check: the probe counts from that line on`);
  } else if (line) spec.health = { log: line };
  else if (health) spec.health = health;
}

function availability(draft: Draft, name: string, spec: Spec, a: Spec | undefined): void {
  const policy = String(a?.restart ?? 'no');
  const r: Spec = { policy: ({ always: 'always', on_failure: 'on-failure', exit_on_failure: 'on-failure', no: 'never' } as Record<string, string>)[policy] ?? 'never', ...((spec.restart as Spec) ?? {}) };
  if (policy === 'exit_on_failure') draft.changed(name, 'restart', 'exit_on_failure stopped process-compose when this failed; Pit restarts it and keeps the others running');
  const backoff = a?.backoff_seconds === undefined ? null : draft.number(name, 'restart', 'backoff_seconds', a.backoff_seconds);
  if (backoff !== null) r.delay = formatDuration(backoff * 1000);
  const max = a?.max_restarts === undefined ? null : draft.number(name, 'restart', 'max_restarts', a.max_restarts);
  if (max) r.max_restarts = Math.round(max);
  if (a?.backoff_seconds !== undefined) draft.explain(name, 'restart', 'backoff_seconds is a fixed wait in process-compose; Pit doubles the delay after each restart');
  for (const k of Object.keys(a ?? {})) if (!['restart', 'backoff_seconds', 'max_restarts'].includes(k)) draft.unmapped(name, 'restart', `availability.${k} ${JSON.stringify(a![k])}`);
  spec.restart = r;
}

function shutdown(draft: Draft, name: string, spec: Spec, s: Spec | undefined, refs: (t: unknown, k: string) => string): void {
  if (!s) return;
  const st: Spec = {};
  if (s.signal !== undefined) {
    const sig = pitSignal(s.signal);
    if (sig) st.signal = sig;
    else draft.unmapped(name, 'stop', `shutdown.signal ${s.signal}`);
  }
  const timeout = s.timeout_seconds === undefined ? null : draft.number(name, 'stop', 'shutdown.timeout_seconds', s.timeout_seconds);
  if (timeout !== null) st.timeout = formatDuration(timeout * 1000);
  if (Object.keys(st).length) spec.stop = st;
  if (s.command) draft.unmapped(name, 'stop', `shutdown.command ${JSON.stringify(refs(s.command, 'stop'))}: Pit stops a process with a signal only`);
  for (const k of Object.keys(s)) if (!['signal', 'timeout_seconds', 'command'].includes(k)) draft.unmapped(name, 'stop', `shutdown.${k} ${JSON.stringify(s[k])}`);
}
