// A reaction's `if`, and the values its actions may use: ${match.N} (groups
// of if.match) and ${event.<field>} (the event's payload).
import type { PitEvent } from '../events/catalog.js';
import type { ReactionCondition } from '../model/pitfile.js';
import type { LinePattern } from '../logs/line-pattern.js';

/** What a fired reaction knows about its event. */
export interface Vars {
  event: PitEvent;
  /** match[0] is the whole match, match[1] the first group, … */
  match: string[];
}

const field = (e: PitEvent, key: string): unknown => (e as unknown as Record<string, unknown>)[key];

/** The vars when `cond` holds for `event`, else null. */
export function evaluate(cond: ReactionCondition | null, event: PitEvent, pattern: LinePattern | null): Vars | null {
  if (!cond) return { event, match: [] };
  const has = (list: readonly (string | number)[] | null, v: unknown) => list === null || list.includes(v as never);
  if (!has(cond.exitCode, field(event, 'exit_code'))) return null;
  if (!has(cond.signal, field(event, 'signal'))) return null;
  if (!has(cond.state, field(event, 'to') ?? field(event, 'state'))) return null;
  if (!pattern) return { event, match: [] };
  const line = field(event, 'line');
  const match = typeof line === 'string' ? pattern.exec(line) : null;
  return match ? { event, match } : null;
}

const reference = /\$\{(match\.\d+|event\.[A-Za-z0-9_.]+)\}/g;

/** The value a template reference stands for ('' when absent). */
export function lookup(ref: string, vars: Vars): string {
  const [root, ...path] = ref.split('.');
  if (root === 'match') return vars.match[Number(path[0])] ?? '';
  let v: unknown = vars.event;
  // ${event.data.x} on a declared event: how the built-in plugins' events read when nested (validate warns, PIT_E_CONFIG_EVENT_DATA).
  const keys = path.length > 1 && path[0] === 'data' && vars.event.type !== 'custom:event' && !('data' in vars.event) ? path.slice(1) : path;
  for (const k of keys) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
  return v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/**
 * `value` with every ${match.N} and ${event.x} in its strings filled in;
 * `encode` (encodeURIComponent for a URL) is applied to each inserted value,
 * so a log line cannot add a path, a query or a fragment of its own.
 */
export function fill<T>(value: T, vars: Vars, encode: (v: string) => string = (v) => v): T {
  if (typeof value === 'string') return value.replace(reference, (_, ref: string) => encode(lookup(ref, vars))) as T;
  if (Array.isArray(value)) return value.map((v) => fill(v, vars, encode)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, vars, encode)])) as T;
  }
  return value;
}

/**
 * A shell command with its references turned into quoted variables, and
 * their values passed in the environment: text from a log line reaches the
 * shell only as data, never as code.
 */
export function fillShell(command: string, vars: Vars): { command: string; env: Record<string, string> } {
  const env: Record<string, string> = {};
  const out = command.replace(reference, (_, ref: string) => {
    const name = `PIT_${ref.replace(/\./g, '_').toUpperCase()}`;
    env[name] = lookup(ref, vars);
    return `"\${${name}}"`;
  });
  return { command: out, env };
}
