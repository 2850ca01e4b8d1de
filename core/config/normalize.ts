// From a valid pitfile as written to the resolved model: defaults applied,
// units parsed, paths absolute, everything frozen. Defaults are read from the
// schema, so editors, docs and the engine can never disagree about them.
import { isAbsolute, resolve } from 'node:path';
import type * as M from '../model/pitfile.js';
import { parseDuration, parsePercent, parseSize } from '../model/units.js';
import { pitfileSchema, pluginSectionKeys } from './schema.js';
import { parseHostPort } from './semantics.js';
import { expandReplicas } from './replicas.js';

type Map = Record<string, any>;

/** The schema's default for `key` of the definition `def`. */
function schemaDefault(def: string, key: string): any {
  const d = pitfileSchema.definitions?.[def]?.properties?.[key]?.default;
  if (d === undefined) throw new Error(`schemas/pitfile.schema.json: definitions.${def}.properties.${key} has no default`);
  return d;
}

/** Section `def` (or a sub-object of it) as written, with the schema's defaults under it. */
function withDefaults(def: string, written: unknown, sub?: string): Map {
  const section = pitfileSchema.definitions[def];
  const props = (sub ? section.properties[sub] : section).properties as Map;
  const out: Map = {};
  for (const [k, p] of Object.entries(props)) if (p.default !== undefined) out[k] = p.default;
  return { ...out, ...(written as Map | undefined) };
}

const ms = (d: string) => parseDuration(d)!;
const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** The resolved model of a valid pitfile `data` read from `file`. */
export function normalize(data: Map, file: string, layers: string[], root: string): M.Pitfile {
  const at = (p: string) => (isAbsolute(p) ? p : resolve(root, p));
  const written: Record<string, M.ProcessConfig> = {};
  for (const [name, p] of Object.entries<Map>(data.processes ?? {})) written[name] = normalizeProcess(name, p, at);
  const { processes, replicas } = expandReplicas(written, data.processes ?? {});

  const watchers: Record<string, M.WatcherConfig> = {};
  for (const [name, w] of Object.entries<Map>(data.watchers ?? {})) {
    watchers[name] =
      w.cron !== undefined
        ? { kind: 'cron', name, cron: w.cron, timezone: w.timezone ?? null }
        : {
            kind: 'file',
            name,
            paths: list(w.paths),
            ignore: w.ignore ?? [],
            root,
            events: w.events ?? schemaDefault('watcher', 'events'),
            debounceMs: ms(w.debounce ?? schemaDefault('watcher', 'debounce')),
          };
  }

  const reactions = (data.reactions ?? []).map((r: Map, i: number): M.ReactionConfig => ({
    id: r.id ?? `reaction-${i + 1}`,
    on: r.on,
    if: r.if
      ? {
          exitCode: r.if.exit_code === undefined ? null : list(r.if.exit_code),
          signal: r.if.signal === undefined ? null : list(r.if.signal),
          state: r.if.state === undefined ? null : list(r.if.state),
          match: r.if.match ?? null,
        }
      : null,
    do: r.do.map((a: Map) => {
      const [action, args] = Object.entries(a)[0];
      return { action, args };
    }),
    debounceMs: r.debounce ? ms(r.debounce) : null,
    throttle: r.throttle ? { max: r.throttle.max, windowMs: ms(r.throttle.window) } : null,
  }));

  const hb = data.heartbeat === false ? null : withDefaults('heartbeat', data.heartbeat);
  const st = withDefaults('settings', data.settings);
  const notify = withDefaults('settings', st.notify, 'notify');
  const listen = (l: Map | undefined) => (l?.listen ? parseHostPort(l.listen) : null);

  return deepFreeze({
    version: 1,
    file,
    layers,
    root,
    processes,
    replicas,
    watchers,
    reactions,
    sections: Object.fromEntries(pluginSectionKeys().map((k) => [k, withDefaults(k, data[k])])),
    heartbeat: hb && { file: at(hb.file), intervalMs: ms(hb.interval) },
    export: { image: data.export?.image ?? null, images: data.export?.images ?? {}, ports: data.export?.ports ?? {} },
    plugins: (data.plugins ?? []).map((p: string | Map) => {
      const use = typeof p === 'string' ? p : p.use;
      return { use: /^\.\.?\//.test(use) ? at(use) : use, options: typeof p === 'string' ? {} : (p.options ?? {}) };
    }),
    settings: {
      stateDir: at(st.state_dir),
      shutdownTimeoutMs: ms(st.shutdown_timeout),
      monitorIntervalMs: ms(st.monitor_interval),
      dashboard: listen(st.dashboard),
      metrics: listen(st.metrics),
      journal: journalKeep(st.journal),
      service: { memoryBytes: st.service?.memory ? parseSize(st.service.memory) : null, cpuPercent: st.service?.cpu !== undefined ? parsePercent(st.service.cpu) : null },
      notify: { timeoutMs: ms(notify.timeout), retries: notify.retries },
    },
  } satisfies M.Pitfile);
}

function normalizeProcess(name: string, p: Map, at: (p: string) => string): M.ProcessConfig {
  const restart = withDefaults('restart', p.restart);
  const stop = withDefaults('stop', p.stop);
  const logs = withDefaults('logs', p.logs);
  const dependsOn: Record<string, M.DependencyCondition> = Array.isArray(p.depends_on)
    ? Object.fromEntries(p.depends_on.map((d: string) => [d, 'started']))
    : (p.depends_on ?? {});
  return {
    name,
    command: p.command,
    cwd: at(p.cwd ?? schemaDefault('process', 'cwd')),
    env: Object.fromEntries(Object.entries<unknown>(p.env ?? {}).map(([k, v]) => [k, String(v)])),
    envFiles: list<string>(p.env_file).map(at),
    autostart: p.autostart ?? schemaDefault('process', 'autostart'),
    profiles: [...new Set<string>(p.profiles ?? [])],
    dependsOn,
    restart: {
      policy: restart.policy,
      delayMs: ms(restart.delay),
      maxDelayMs: ms(restart.max_delay),
      minUptimeMs: ms(restart.min_uptime),
      maxRestarts: restart.max_restarts,
      windowMs: ms(restart.window),
      onUnhealthy: restart.on_unhealthy,
    },
    stop: { signal: stop.signal, timeoutMs: ms(stop.timeout) },
    limits: p.limits ? normalizeLimits(withDefaults('limits', p.limits)) : null,
    health: p.health ? normalizeHealth(withDefaults('health', p.health), at, restart.on_unhealthy) : null,
    logs: { maxBytes: parseSize(logs.max_size)!, keep: logs.keep },
    replica: null,
  };
}

function normalizeLimits(l: Map): M.LimitsConfig {
  return {
    memoryBytes: l.memory === undefined ? null : parseSize(l.memory),
    cpuPercent: l.cpu === undefined ? null : parsePercent(l.cpu),
    forMs: ms(l.for),
    action: l.action,
  };
}

function normalizeHealth(h: Map, at: (p: string) => string, onUnhealthy: boolean): M.HealthConfig {
  const startup = h.startup ? withDefaults('startup', h.startup) : null;
  return {
    check: normalizeCheck(h, at)!,
    intervalMs: ms(h.interval),
    timeoutMs: ms(h.timeout),
    failures: h.failures,
    startPeriodMs: ms(h.start_period),
    restart: h.restart ?? onUnhealthy,
    startup: startup && {
      check: normalizeCheck(startup, at),
      intervalMs: ms(startup.interval),
      timeoutMs: ms(startup.timeout),
      withinMs: ms(startup.within),
      restart: startup.restart,
    },
  };
}

/** The one check `h` names (http, tcp, heartbeat_file, log or exec), or null when none. */
function normalizeCheck(h: Map, at: (p: string) => string): M.HealthCheck | null {
  if (h.http !== undefined) return { kind: 'http', url: h.http };
  if (h.tcp !== undefined) return { kind: 'tcp', ...(typeof h.tcp === 'number' ? { host: '127.0.0.1', port: h.tcp } : parseHostPort(h.tcp)!) };
  if (h.heartbeat_file !== undefined) return { kind: 'file', path: at(h.heartbeat_file), maxAgeMs: ms(h.max_age) };
  if (h.log !== undefined) return { kind: 'log', pattern: h.log };
  if (h.exec !== undefined) return { kind: 'exec', command: h.exec };
  return null;
}

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

/** settings.journal.keep with its defaults. */
function journalKeep(written: Map | undefined): M.JournalRetention {
  const keepSchema = pitfileSchema.definitions.settings.properties.journal.properties.keep.properties;
  const keep = { age: keepSchema.age.default, rows: keepSchema.rows.default, ...(written?.keep ?? {}) };
  return { ageMs: ms(keep.age), rows: keep.rows, statsEveryMs: written?.stats === undefined || written.stats === 'off' ? null : ms(written.stats) };
}
