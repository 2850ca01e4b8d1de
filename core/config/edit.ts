// Editing one setting of a pitfile in place: the path is checked against the
// schema first (so a typo gets "did you mean"), and the file's text changes
// only where the value is written, so comments, key order and formatting stay.
import { isMap, parseDocument, stringify, type Node } from 'yaml';
import { errors } from '../errors.js';
import { childOf, type PathKey } from './parse.js';
import { pitfileSchema, pluginSectionKeys } from './schema.js';
import { suggest } from './suggest.js';
import { formatPath } from './load.js';

type Schema = Record<string, any>;

/** "processes.api.restart.policy", "reactions[0].do" or "reactions.0.do" → keys. */
export function parseSettingPath(text: string): PathKey[] {
  const keys: PathKey[] = [];
  for (const part of text.split('.')) {
    const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (!m || (m[1] === '' && m[2] === '')) {
      throw errors.PIT_E_CLI_USAGE(`"${text}" is not a setting path; write keys with dots, e.g. processes.api.restart.policy or reactions[0].on`);
    }
    if (m[1] !== '') keys.push(/^\d+$/.test(m[1]) ? Number(m[1]) : m[1]);
    for (const [, i] of m[2].matchAll(/\[(\d+)\]/g)) keys.push(Number(i));
  }
  return keys;
}

/** The schema of the setting at `path`; throws PIT_E_CONFIG_UNKNOWN_SETTING with a did-you-mean. */
export function settingSchema(path: PathKey[]): Schema {
  let node: Schema = pitfileSchema;
  path.forEach((key, i) => {
    const next = child(node, key);
    if (!next) {
      const known = branches(node).flatMap((b) => Object.keys(b.properties ?? {}));
      throw errors.PIT_E_CONFIG_UNKNOWN_SETTING(formatPath(path.slice(0, i + 1)), suggest(String(key), known), known);
    }
    node = next;
  });
  return deref(node);
}

function deref(s: Schema): Schema {
  while (typeof s.$ref === 'string') s = pitfileSchema.definitions[s.$ref.replace('#/definitions/', '')];
  return s;
}

/** A schema and the alternatives it allows (oneOf / anyOf / allOf), flattened. */
function branches(s: Schema): Schema[] {
  const d = deref(s);
  return [d, ...[...(d.oneOf ?? []), ...(d.anyOf ?? []), ...(d.allOf ?? [])].flatMap(branches)];
}

function child(s: Schema, key: PathKey): Schema | undefined {
  for (const b of branches(s)) {
    if (typeof key === 'number') {
      if (b.items) return b.items;
      continue;
    }
    if (b.properties?.[key]) return b.properties[key];
    const pattern = Object.entries((b.patternProperties ?? {}) as Record<string, Schema>).find(([p]) => new RegExp(p, 'u').test(key));
    if (pattern) return pattern[1];
    if (b.additionalProperties && typeof b.additionalProperties === 'object') return b.additionalProperties;
  }
  return undefined;
}

/**
 * `text` with the value at `path` set to `value`. JSON files are rewritten
 * as JSON with their own indentation. In YAML only the written value changes:
 * an existing one is replaced where it stands, a new key is added as a line
 * at the end of the nearest block map that exists, with that map's indent.
 * Anything else (a flow map, a list item) goes through the yaml Document
 * API, which keeps comments but may respace the file.
 */
export function setInText(text: string, path: PathKey[], value: unknown, format: 'yaml' | 'json'): string {
  if (format === 'json') return setInJson(text, path, value);
  const doc = parseDocument(text);
  const { node, depth } = deepest(doc.contents as Node | null, path);
  if (depth === path.length && node?.range) {
    // range[1] ends before a trailing comment, so the comment stays.
    return text.slice(0, node.range[0]) + inline(value) + text.slice(node.range[1]);
  }
  const key = path[depth];
  if (isMap(node) && !node.flow && node.items.length && node.range && typeof key === 'string') {
    let rest: unknown = value;
    for (const k of path.slice(depth + 1).reverse()) rest = { [k]: rest };
    const firstKey = (node.items[0].key as Node).range![0];
    const indent = ' '.repeat(firstKey - text.lastIndexOf('\n', firstKey - 1) - 1);
    const lines = stringify({ [key]: rest }, { lineWidth: 0 }).trimEnd().split('\n');
    const at = lineEndAfter(text, node.range[1]);
    const before = text.slice(0, at);
    return before + (before.endsWith('\n') || !before ? '' : '\n') + lines.map((l) => indent + l).join('\n') + '\n' + text.slice(at);
  }
  doc.setIn(path, value);
  return doc.toString();
}

/** A value written on one line: flow collections, quoted multi-line strings. */
function inline(value: unknown): string {
  return stringify(value, { collectionStyle: 'flow', blockQuote: false, lineWidth: 0 }).trimEnd();
}

/** The first offset after the line holding `offset - 1` (a block ends at a line end). */
function lineEndAfter(text: string, offset: number): number {
  if (offset === 0 || text[offset - 1] === '\n') return offset;
  const nl = text.indexOf('\n', offset);
  return nl === -1 ? text.length : nl + 1;
}

/** The node at `path`, or the deepest one on the way there and how many keys it took (a key with no value ends it). */
function deepest(root: Node | null, path: PathKey[]): { node: Node | null; depth: number } {
  let node = root;
  let depth = 0;
  for (const k of path) {
    const next = childOf(node, k)?.value ?? null;
    if (!next) break;
    node = next;
    depth++;
  }
  return { node, depth };
}

function setInJson(text: string, path: PathKey[], value: unknown): string {
  const data = JSON.parse(text) as Record<string, unknown>;
  let at: any = data;
  path.slice(0, -1).forEach((k, i) => {
    if (at[k] === undefined || at[k] === null) at[k] = typeof path[i + 1] === 'number' ? [] : {};
    at = at[k];
  });
  at[path[path.length - 1]] = value;
  const indent = /^[ \t]+(?=")/m.exec(text)?.[0] ?? '  ';
  return JSON.stringify(data, null, indent) + (text.endsWith('\n') ? '\n' : '');
}

/** The value at `path` in plain data, or undefined. */
export function getIn(data: unknown, path: PathKey[]): unknown {
  let at: any = data;
  for (const k of path) {
    if (at === null || typeof at !== 'object') return undefined;
    at = at[k];
  }
  return at;
}

/**
 * Sections the engine fills with their defaults when the pitfile leaves
 * them out (normalize.ts). Any other absent section (health, limits,
 * dashboard, metrics) means "none", so it is not filled.
 */
const FILLED_WHEN_ABSENT: PathKey[][] = [
  ['processes', '*', 'restart'],
  ['processes', '*', 'stop'],
  ['processes', '*', 'logs'],
  // The built-in plugins' sections (installer): normalize.ts fills them too.
  ...pluginSectionKeys().map((k) => [k]),
  ['heartbeat'],
  ['settings'],
  ['settings', 'notify'],
];

export interface EffectiveSetting {
  /** The value the engine uses: as written, with the schema's defaults under it; undefined when unset without a default. */
  value: unknown;
  /** Paths (relative to the setting) whose values are defaults, not written; [] is the setting itself. */
  defaults: PathKey[][];
  /** When unset: the first key of the path that is (processes.api.health for processes.api.health.timeout). */
  unsetAt: PathKey[] | null;
}

/** The setting at `path` of the written document `data`, with every default the engine applies filled in. */
export function effectiveSetting(data: unknown, path: PathKey[]): EffectiveSetting {
  const marks: PathKey[][] = [];
  const filled = fillDefaults(structuredClone(data ?? {}), pitfileSchema, [], marks);
  const isUnder = (m: PathKey[]) => m.length >= path.length && path.every((k, i) => String(k) === String(m[i]));
  const value = getIn(filled, path);
  const unsetAt = value === undefined ? path.slice(0, path.findIndex((_, i) => getIn(filled, path.slice(0, i + 1)) === undefined) + 1) : null;
  return { value, defaults: marks.filter(isUnder).map((m) => m.slice(path.length)), unsetAt };
}

/** `value` (mutated) with the defaults of `schema` filled in below `at`; each filled path is pushed to `marks`. */
function fillDefaults(value: unknown, schema: Schema, at: PathKey[], marks: PathKey[][]): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const map = value as Record<string, unknown>;
  const known = new Set<string>();
  for (const b of branches(schema)) {
    for (const [key, prop] of Object.entries((b.properties ?? {}) as Record<string, Schema>)) {
      known.add(key);
      const where = [...at, key];
      if (map[key] === undefined) {
        const absent = 'default' in prop ? prop.default : FILLED_WHEN_ABSENT.some((p) => matchesPath(p, where)) ? {} : undefined;
        if (absent === undefined) continue;
        map[key] = structuredClone(absent);
        marks.push(where);
      }
      map[key] = fillDefaults(map[key], prop, where, marks);
    }
  }
  // Maps by name (processes, watchers): each entry has the entries' schema.
  for (const b of branches(schema)) {
    if (!b.additionalProperties || typeof b.additionalProperties !== 'object') continue;
    for (const key of Object.keys(map)) if (!known.has(key)) map[key] = fillDefaults(map[key], b.additionalProperties, [...at, key], marks);
  }
  return map;
}

function matchesPath(pattern: PathKey[], path: PathKey[]): boolean {
  return pattern.length === path.length && pattern.every((k, i) => k === '*' || String(k) === String(path[i]));
}
