// Import name → distribution, where the two differ (yaml → PyYAML). The
// table's sources are cited in import-names.json itself.
import { readFileSync } from 'node:fs';

const table: Record<string, string> = JSON.parse(readFileSync(new URL('../../../plugins/python-installer/import-names.json', import.meta.url), 'utf8')).names;

const distributions = new Set(Object.values(table).map((d) => d.toLowerCase().replace(/[-_.]+/g, '-')));

/** Whether the table maps some import name to `distribution` (PEP 503 comparison). */
export const isTableDistribution = (distribution: string) => distributions.has(distribution.toLowerCase().replace(/[-_.]+/g, '-'));

/** How many import names the table maps. */
export const tableSize = Object.keys(table).length;

/**
 * The distribution for a dotted module, the longest listed prefix first
 * (google.cloud.storage before google), then `aliases` (the pitfile's
 * installer.aliases, which win); undefined when nothing lists it.
 */
export function distributionFor(module: string, aliases: Record<string, string> = {}): string | undefined {
  const parts = module.split('.');
  for (let n = parts.length; n > 0; n--) {
    const prefix = parts.slice(0, n).join('.');
    const hit = aliases[prefix] ?? table[prefix];
    if (hit) return hit;
  }
  return undefined;
}
