// Key completion for the pitfile from its JSON Schema (schemas/, the
// truth for the pitfile): the keys that may stand at the cursor, found by
// walking the schema along the keys above it by indentation. Pure, so the
// walk is the same whatever editor asks.
import schema from '../../../schemas/pitfile.schema.json';

type Node = { $ref?: string; properties?: Record<string, Node>; additionalProperties?: Node | boolean; items?: Node; oneOf?: Node[]; anyOf?: Node[]; description?: string; type?: string | string[] };

const root = schema as unknown as Node & { definitions: Record<string, Node> };

function deref(n: Node | undefined): Node | undefined {
  for (let i = 0; n?.$ref && i < 10; i++) n = root.definitions[n.$ref.replace('#/definitions/', '')];
  return n;
}

/** The object schemas a value at `path` may be (a oneOf of a string and an object gives the object). */
function objectsAt(path: string[]): Node[] {
  let nodes: Node[] = [root];
  for (const key of path) {
    const next: Node[] = [];
    for (const n of nodes.flatMap(alternatives)) {
      if (key === '-' && n.items) next.push(deref(n.items)!);
      else if (n.properties?.[key]) next.push(deref(n.properties[key])!);
      else if (typeof n.additionalProperties === 'object') next.push(deref(n.additionalProperties)!);
    }
    nodes = next;
  }
  return nodes.flatMap(alternatives).filter((n) => n.properties);
}

function alternatives(n: Node): Node[] {
  const d = deref(n);
  if (!d) return [];
  const alts = d.oneOf ?? d.anyOf;
  return alts ? [d, ...alts.flatMap(alternatives)] : [d];
}

export interface KeyOption {
  key: string;
  description: string;
}

/** The keys the schema allows in the mapping at `path` (["processes", "api", "restart"]). */
export function keysAt(path: string[]): KeyOption[] {
  const seen = new Map<string, string>();
  for (const n of objectsAt(path)) for (const [k, v] of Object.entries(n.properties!)) if (!seen.has(k)) seen.set(k, deref(v)?.description ?? v.description ?? '');
  return [...seen].map(([key, description]) => ({ key, description }));
}

/**
 * The path of keys that holds line `lineNo` (0-based) of `lines` at
 * indentation `indent`: each nearest line above with less indentation names
 * a key; a "- " item adds "-".
 */
export function pathAt(lines: string[], lineNo: number, indent: number): string[] {
  const path: string[] = [];
  let limit = indent;
  for (let i = lineNo - 1; i >= 0 && limit > 0; i--) {
    const m = /^(\s*)(- +)?([\w.-]+)?\s*:?/.exec(lines[i]);
    if (!m || lines[i].trim() === '' || lines[i].trim().startsWith('#')) continue;
    const at = m[1].length;
    const itemAt = m[2] ? at + m[2].length : at;
    if (m[2] && itemAt <= limit && at < limit) {
      // The cursor's mapping is inside this list item: its keys sit at itemAt.
      if (itemAt < limit && m[3]) path.unshift(m[3]);
      path.unshift('-');
      limit = at;
      continue;
    }
    if (at < limit && m[3]) {
      path.unshift(m[3]);
      limit = at;
    }
  }
  return path;
}
