// Reading one config file into a YAML document that remembers where every
// value came from, so later stages can point at file:line:column.
import { readFileSync, statSync } from 'node:fs';
import {
  parseDocument, LineCounter, isAlias, isMap, isSeq, isScalar, isPair,
  type Document, type Node,
} from 'yaml';
import { errors, PitError, PitfileError, type Where } from '../errors.js';
import { codeFrame } from './code-frame.js';
import { bytePosition, findInvalidUtf8 } from './encoding.js';
import { findExcessNesting, MAX_NESTING } from './nesting.js';

/** Larger than any real pitfile by far; a bigger file is a mistake or an attack. */
export const MAX_PITFILE_BYTES = 1024 * 1024;
/** Aliases expanded while converting to JS; yaml's guard against alias bombs. */
export const MAX_ALIAS_COUNT = 100;

export type PathKey = string | number;

/** One parsed file: its data, and a way back from a data path to its text. */
export interface SourceFile {
  file: string;
  text: string;
  data: unknown;
  /** Where the value at `path` is written (its key, with `key: true`). */
  locate(path: PathKey[], opts?: { key?: boolean }): Located;
}

/** A place in a file, with its code frame; `depth` is how much of the path exists there. */
export interface Located {
  where: Where;
  frame: string;
  depth: number;
}

/**
 * Read and parse `file`; `prop` picks a sub-tree (the "pit" key of
 * package.json); `unsaved` is its text when it is not (yet) on disk.
 */
export function parseConfigFile(file: string, prop?: string, unsaved?: string): SourceFile {
  let buf: Buffer;
  try {
    const size = unsaved === undefined ? statSync(file).size : Buffer.byteLength(unsaved);
    if (size > MAX_PITFILE_BYTES) {
      throw errors.PIT_E_CONFIG_TOO_LARGE(size, MAX_PITFILE_BYTES).at({ file, line: 1, column: 1 });
    }
    buf = unsaved === undefined ? readFileSync(file) : Buffer.from(unsaved);
  } catch (e) {
    if (e instanceof PitError) throw new PitfileError([e]);
    throw new PitfileError([errors.PIT_E_CONFIG_READ(file, (e as NodeJS.ErrnoException).code ?? String(e))]);
  }
  const text = buf.toString('utf8');
  const here = (line: number, column: number): Where => ({ file, line, column });
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) {
    throw new PitfileError([errors.PIT_E_CONFIG_BOM().at(here(1, 1))]);
  }
  const bad = findInvalidUtf8(buf);
  if (bad !== -1) {
    const { line, column } = bytePosition(buf, bad);
    throw new PitfileError([errors.PIT_E_CONFIG_ENCODING(buf[bad]).at(here(line, column), codeFrame(text, line, column))]);
  }
  if (text.trim() === '') throw new PitfileError([errors.PIT_E_CONFIG_EMPTY().at(here(1, 1))]);
  // Before the parser, which would spend seconds and keep its memory to refuse it.
  const deep = findExcessNesting(text);
  if (deep !== -1) {
    const line = text.slice(0, deep).split('\n').length;
    const column = deep - text.lastIndexOf('\n', deep - 1);
    throw new PitfileError([errors.PIT_E_CONFIG_NESTING(MAX_NESTING).at(here(line, column), codeFrame(text, line, column))]);
  }

  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const frame = (line: number, col: number) => codeFrame(text, line, col);
  if (doc.errors.length) {
    throw new PitfileError(doc.errors.map((e) => {
      const { line, col } = lineCounter.linePos(e.pos[0]);
      const err =
        e.code === 'DUPLICATE_KEY'
          ? errors.PIT_E_CONFIG_DUPLICATE_KEY(duplicateKeyAt(text, e.pos[0]))
          : errors.PIT_E_CONFIG_SYNTAX(e.message.split(' at line ')[0]);
      return err.at(here(line, col), frame(line, col));
    }));
  }

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch {
    // yaml throws a ReferenceError when aliases would expand past the limit.
    const at = firstAlias(doc) ?? 0;
    const { line, col } = lineCounter.linePos(at);
    throw new PitfileError([errors.PIT_E_CONFIG_ALIASES(MAX_ALIAS_COUNT).at(here(line, col), frame(line, col))]);
  }
  const base: PathKey[] = prop ? [prop] : [];
  if (prop) data = (data as Record<string, unknown> | null)?.[prop];

  const locate: SourceFile['locate'] = (path, opts = {}) => {
    const full = [...base, ...path];
    const { node, keyNode, depth } = walk(doc, full);
    const target = opts.key && keyNode && depth === full.length ? keyNode : node;
    const offset = target?.range?.[0] ?? 0;
    const { line, col } = lineCounter.linePos(offset);
    return { where: here(line, col), frame: frame(line, col), depth: depth - base.length };
  };
  return { file, text, data, locate };
}

/**
 * One step down a YAML document: the entry `k` of a map (its key node and its
 * value, null for `key:` with nothing after it) or item `k` of a list (no key
 * node); null when there is none. setInText (edit.ts) walks with it too.
 */
export function childOf(node: Node | null, k: PathKey): { key: Node | null; value: Node | null } | null {
  if (isMap(node)) {
    const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(k));
    return pair ? { key: pair.key as Node, value: (pair.value as Node | null) ?? null } : null;
  }
  if (isSeq(node) && typeof k === 'number') {
    const item = (node.items[k] as Node | undefined) ?? null;
    return item ? { key: null, value: item } : null;
  }
  return null;
}

/** Follow `path` as far as the document allows, through aliases; a key with no value is as far as it goes. */
function walk(doc: Document, path: PathKey[]) {
  let node: Node | null = doc.contents as Node | null;
  let keyNode: Node | null = null;
  let depth = 0;
  for (const k of path) {
    if (node && isAlias(node)) node = node.resolve(doc) as Node | null ?? node;
    const child = childOf(node, k);
    const next = child ? child.value ?? child.key : null;
    const nextKey = child?.key ?? null;
    if (!next) break;
    node = next;
    keyNode = nextKey;
    depth++;
  }
  return { node, keyNode, depth };
}

function firstAlias(doc: Document): number | undefined {
  let at: number | undefined;
  const visit = (n: unknown): void => {
    if (at !== undefined || !n) return;
    if (isAlias(n)) at = n.range?.[0];
    else if (isMap(n) || isSeq(n)) for (const it of n.items) visit(isPair(it) ? it.value : it);
  };
  visit(doc.contents);
  return at;
}

function duplicateKeyAt(text: string, offset: number): string {
  return /^[\s-]*["']?([^:"'\n]+)/.exec(text.slice(offset))?.[1]?.trim() ?? '?';
}
