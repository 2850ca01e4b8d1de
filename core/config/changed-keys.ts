// What a reload changed in one process, as the keys a person wrote in the
// pitfile ("processes.api.stop.timeout"), not as the resolved model names
// them (stop.timeoutMs): a restart's reason names the setting to look at.

/** Resolved names that differ from the pitfile's beyond camelCase and a unit suffix. */
const WRITTEN: Record<string, string> = { envFiles: 'env_file', maxBytes: 'max_size', check: '' };

/** The pitfile key of a resolved field: timeoutMs → timeout, maxRestarts → max_restarts. */
function writtenKey(key: string): string {
  if (key in WRITTEN) return WRITTEN[key];
  return key.replace(/(Ms|Bytes|Percent)$/, '').replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** The keys under `prefix` whose values differ between `before` and `after`, deepest first found. */
export function changedKeys(prefix: string, before: unknown, after: unknown): string[] {
  const out: string[] = [];
  walk(prefix, before, after, out);
  return out.length ? out : [prefix];
}

function walk(path: string, a: unknown, b: unknown, out: string[]): void {
  if (isRecord(a) && isRecord(b)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const written = writtenKey(key);
      walk(written ? `${path}.${written}` : path, a[key], b[key], out);
    }
    return;
  }
  if (JSON.stringify(a) !== JSON.stringify(b) && !out.includes(path)) out.push(path);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
