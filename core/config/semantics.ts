// Checks the schema cannot express: references between sections, dependency
// cycles, and values with a grammar of their own (cron, regex, URLs, patterns).
// Written defensively: it runs on data that may also have shape problems.
import { errors } from '../errors.js';
import { parsePattern, matchesGlob, isGlob } from '../events/match.js';
import type { Problem } from './validate.js';
import { suggest } from './suggest.js';
import { checkEventName, type EventNameContext } from './event-names.js';
import { linePatternProblem } from '../logs/line-pattern.js';
import { checkReplicas, replicaNames } from './replica-checks.js';
import { checkEmitName, checkEventData } from './event-fields.js';

type Map = Record<string, any>;
const asMap = (v: unknown): Map => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Map) : {});
const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

type CronParser = (typeof import('cron-parser'))['CronExpressionParser'];

/** Every problem the schema cannot see, none for a consistent pitfile. */
export async function checkSemantics(data: unknown): Promise<Problem[]> {
  const root = asMap(data);
  const processes = asMap(root.processes);
  const watchers = asMap(root.watchers);
  // Loaded only for a pitfile with cron watchers: start-up time matters.
  const hasCron = Object.values(watchers).some((w) => typeof asMap(w).cron === 'string');
  const cron = hasCron ? (await import('cron-parser')).CronExpressionParser : null;
  return [
    ...checkDependencies(processes),
    ...checkHealth(processes),
    ...checkWatchers(watchers, cron),
    ...checkReactions(asList(root.reactions), [...Object.keys(processes), ...replicaNames(processes)], watchers, asList(root.plugins).length > 0),
    ...checkReplicas(root),
  ];
}

const knownHint = (name: string, known: string[]) => {
  const near = suggest(name, known);
  if (near) return `; did you mean "${near}"?`;
  return known.length ? ` (processes: ${known.join(', ')})` : ' (no processes are defined)';
};

function dependencyNames(spec: unknown): string[] {
  if (Array.isArray(spec)) return spec.filter((s): s is string => typeof s === 'string');
  return Object.keys(asMap(spec));
}

function checkDependencies(processes: Map): Problem[] {
  const names = Object.keys(processes);
  const out: Problem[] = [];
  for (const [name, p] of Object.entries(processes)) {
    const spec = asMap(p).depends_on;
    for (const [dep, cond] of Object.entries(asMap(spec))) {
      if (cond === 'healthy' && dep in processes && !asMap(processes[dep]).health) {
        out.push({ path: ['processes', name, 'depends_on', dep], error: errors.PIT_E_CONFIG_HEALTH_MISSING(dep) });
      }
    }
    dependencyNames(spec).forEach((dep, i) => {
      if (!(dep in processes)) {
        const path = Array.isArray(spec) ? ['processes', name, 'depends_on', i] : ['processes', name, 'depends_on', dep];
        out.push({ path, key: !Array.isArray(spec), error: errors.PIT_E_CONFIG_DEPENDENCY_MISSING(dep, knownHint(dep, names)) });
      }
    });
  }
  // Depth-first search; a dependency already on the stack closes a cycle.
  const state = new Map<string, 'visiting' | 'done'>();
  const seen = new Set<string>();
  const stack: string[] = [];
  const visit = (name: string) => {
    state.set(name, 'visiting');
    stack.push(name);
    for (const dep of dependencyNames(asMap(processes[name]).depends_on)) {
      if (!(dep in processes)) continue;
      if (state.get(dep) === 'visiting') {
        const cycle = [...stack.slice(stack.indexOf(dep)), dep];
        const id = [...new Set(cycle)].sort().join(' ');
        if (!seen.has(id)) {
          seen.add(id);
          out.push({ path: ['processes', cycle[0], 'depends_on'], key: true, error: errors.PIT_E_CONFIG_DEPENDENCY_CYCLE(cycle) });
        }
      } else if (!state.has(dep)) visit(dep);
    }
    stack.pop();
    state.set(name, 'done');
  };
  for (const name of names) if (!state.has(name)) visit(name);
  return out;
}

function checkHealth(processes: Map): Problem[] {
  const out: Problem[] = [];
  for (const [name, p] of Object.entries(processes)) {
    const h = asMap(asMap(p).health);
    out.push(...checkProbe(h, ['processes', name, 'health']));
    if ('startup' in h) {
      const s = asMap(h.startup);
      out.push(...checkProbe(s, ['processes', name, 'health', 'startup']));
      const checks = Object.keys(s).filter((k) => ['http', 'tcp', 'exec', 'log'].includes(k));
      if (checks.length > 1) {
        out.push({ path: ['processes', name, 'health', 'startup', checks[1]], key: true, error: errors.PIT_E_CONFIG_INVALID(`a startup check has one of http, tcp, exec or log; this one has ${checks.join(' and ')}`) });
      }
    }
  }
  return out;
}

/** The values of one check (a health check or a startup check) at `path`. */
function checkProbe(h: Map, path: string[]): Problem[] {
  const out: Problem[] = [];
  const at = (k: string) => [...path, k];
  if (typeof h.log === 'string') {
    const why = linePatternProblem(h.log);
    if (why) out.push({ path: at('log'), error: errors.PIT_E_CONFIG_HEALTH_LOG(h.log, why) });
  }
  if (typeof h.http === 'string') {
    let ok = false;
    try {
      ok = ['http:', 'https:'].includes(new URL(h.http).protocol);
    } catch { /* reported below */ }
    if (!ok) out.push({ path: at('http'), error: errors.PIT_E_CONFIG_INVALID(`"${h.http}" is not an http:// or https:// URL`) });
  }
  if (typeof h.tcp === 'string' && !parseHostPort(h.tcp)) {
    out.push({ path: at('tcp'), error: errors.PIT_E_CONFIG_INVALID(`"${h.tcp}" is not host:port (e.g. "127.0.0.1:5432")`) });
  }
  if (typeof h.tcp === 'number' && !(h.tcp >= 1 && h.tcp <= 65535)) {
    out.push({ path: at('tcp'), error: errors.PIT_E_CONFIG_INVALID(`port ${h.tcp} is outside 1-65535`) });
  }
  return out;
}

/** Host and port from "host:port", or null. */
/** Whether `host` is this machine only. */
export const isLoopback = (host: string) => host === 'localhost' || host === '::1' || /^127\./.test(host);

export function parseHostPort(text: string): { host: string; port: number } | null {
  const m = /^(\[[^\]]+\]|[^\s:]+):(\d{1,5})$/.exec(text);
  const port = m ? Number(m[2]) : 0;
  return m && port >= 1 && port <= 65535 ? { host: m[1].replace(/^\[|\]$/g, ''), port } : null;
}

const fileOnlyKeys = ['ignore', 'events', 'debounce'];

function checkWatchers(watchers: Map, cron: CronParser | null): Problem[] {
  const out: Problem[] = [];
  for (const [name, w0] of Object.entries(watchers)) {
    const w = asMap(w0);
    const at = (k: string) => ['watchers', name, k];
    if (typeof w.cron === 'string') {
      for (const k of fileOnlyKeys.filter((k) => k in w)) {
        out.push({ path: at(k), key: true, error: errors.PIT_E_CONFIG_INVALID(`"${k}" applies to file watchers, and this one has "cron"`) });
      }
      const why = cronProblem(w.cron, cron!);
      if (why) out.push({ path: at('cron'), error: errors.PIT_E_CONFIG_CRON(w.cron, why) });
    }
    if ('paths' in w && 'timezone' in w) {
      out.push({ path: at('timezone'), key: true, error: errors.PIT_E_CONFIG_INVALID('"timezone" applies to cron watchers, and this one has "paths"') });
    }
    if (typeof w.timezone === 'string' && !isTimeZone(w.timezone)) {
      out.push({ path: at('timezone'), error: errors.PIT_E_CONFIG_TIMEZONE(w.timezone) });
    }
  }
  return out;
}

function cronProblem(expr: string, parser: CronParser): string | null {
  const fields = expr.trim().split(/\s+/).length;
  if (!expr.trim().startsWith('@') && fields !== 5 && fields !== 6) return `has ${fields} fields; expected 5 or 6`;
  try {
    parser.parse(expr, { tz: 'UTC' });
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const processActions = ['start', 'stop', 'restart'];

/** The event names the pitfile's emit actions publish ("deploy:api:done", or { event: ... }). */
function emittedNames(reactions: unknown[]): string[] {
  return reactions.flatMap((r) =>
    asList(asMap(r).do).flatMap((a) => {
      const e = asMap(a).emit;
      const name = typeof e === 'string' ? e : asMap(e).event;
      return typeof name === 'string' ? [name] : [];
    }),
  );
}

function checkReactions(reactions: unknown[], processNames: string[], watchers: Map, hasPlugins: boolean): Problem[] {
  const out: Problem[] = [];
  const ids = new Map<string, number>();
  const names: EventNameContext = { emitted: emittedNames(reactions), hasPlugins };
  reactions.forEach((r0, i) => {
    const r = asMap(r0);
    const at = (...k: (string | number)[]) => ['reactions', i, ...k];
    if (typeof r.id === 'string') {
      if (ids.has(r.id)) out.push({ path: at('id'), error: errors.PIT_E_CONFIG_INVALID(`reaction id "${r.id}" is also used by reactions[${ids.get(r.id)}]`) });
      ids.set(r.id, i);
    }
    if (typeof r.on === 'string') out.push(...checkOn(r.on, at('on'), processNames, watchers, names));
    out.push(...checkEventData(r.on, r.do, at('do')));
    const match = asMap(r.if).match;
    if (typeof match === 'string') {
      const why = linePatternProblem(match);
      if (why) out.push({ path: at('if', 'match'), error: errors.PIT_E_CONFIG_REGEX(match, why) });
    }
    asList(r.do).forEach((a0, j) => {
      for (const [action, arg] of Object.entries(asMap(a0))) {
        if (action === 'emit') out.push(...checkEmitName(typeof arg === 'string' ? arg : asMap(arg).event, at('do', j, 'emit')));
        if (!processActions.includes(action)) continue;
        const targets = typeof arg === 'string' ? [arg] : asList(arg);
        targets.forEach((t, k) => {
          if (typeof t !== 'string' || t === '$process') return;
          const known = isGlob(t) ? processNames.some((n) => matchesGlob(t, n)) : processNames.includes(t);
          if (!known) {
            const path = typeof arg === 'string' ? at('do', j, action) : at('do', j, action, k);
            out.push({ path, error: errors.PIT_E_CONFIG_PROCESS_UNKNOWN(t, knownHint(t, processNames)) });
          }
        });
      }
    });
  });
  return out;
}

function checkOn(on: string, path: (string | number)[], processNames: string[], watchers: Map, names: EventNameContext): Problem[] {
  const parsed = parsePattern(on);
  if ('error' in parsed) return [{ path, error: errors.PIT_E_CONFIG_EVENT_PATTERN(on, parsed.error) }];
  const never = checkEventName(parsed.segments, names);
  if (never) return [{ path, error: errors.PIT_E_CONFIG_EVENT_UNKNOWN(on, never.message), ...(never.warning ? { warning: true } : {}) }];
  const [kind, subject] = parsed.segments;
  if (subject === '*') return [];
  if (kind === 'file' || kind === 'cron') {
    const w = asMap(watchers[subject]);
    const isKind = kind === 'cron' ? typeof w.cron === 'string' : 'paths' in w;
    if (!isKind) return [{ path, error: errors.PIT_E_CONFIG_WATCHER_UNKNOWN(subject, kind) }];
  }
  if (kind === 'process' && !isGlob(subject) && !processNames.includes(subject)) {
    return [{ path, error: errors.PIT_E_CONFIG_PROCESS_UNKNOWN(subject, knownHint(subject, processNames)) }];
  }
  return [];
}
