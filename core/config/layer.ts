// pitfile.local.yaml over pitfile.yaml: maps deep-merge, lists and scalars
// replace. Errors still point at the file that wrote the value.
import type { Located, PathKey, SourceFile } from './parse.js';

/** The developer's own overrides, beside the pitfile and git-ignored. */
export const LOCAL_LAYER = 'pitfile.local.yaml';

const isPlainMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** `over` merged onto `base`: maps deep-merge, anything else replaces. */
export function mergeLayers(base: unknown, over: unknown): unknown {
  if (!isPlainMap(base) || !isPlainMap(over)) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = k in base ? mergeLayers(base[k], v) : v;
  return out;
}

/**
 * Where a merged value was written: the last layer that has the whole path
 * wins (its value is the one in force); else the layer that has most of it.
 */
export function locateInLayers(sources: SourceFile[], path: PathKey[], opts?: { key?: boolean }): Located {
  let best: Located | undefined;
  for (const src of sources) {
    const found = src.locate(path, opts);
    if (!best || found.depth >= best.depth) best = found;
  }
  return best!;
}
