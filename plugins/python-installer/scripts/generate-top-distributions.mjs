#!/usr/bin/env node
// Writes top-distributions.txt beside this folder: PyPI's most downloaded
// distributions, PEP 503-normalised, one a line in rank order (line n of
// the list is rank n). The installer trusts these names in installer.mode
// auto (see ../known-distributions.ts).
//
//   node plugins/python-installer/scripts/generate-top-distributions.mjs PYPI.TSV
//
// PYPI.TSV: tab-separated with a header line naming the columns name, month
// and rank_among_15000_most_downloaded (empty for the others).
import { readFileSync, writeFileSync } from 'node:fs';

const [source] = process.argv.slice(2);
if (!source) {
  console.error('usage: generate-top-distributions.mjs PYPI.TSV');
  process.exit(2);
}
const [head, ...rows] = readFileSync(source, 'utf8').split('\n');
const col = Object.fromEntries(head.split('\t').map((c, i) => [c, i]));
for (const c of ['name', 'month', 'rank_among_15000_most_downloaded']) if (!(c in col)) throw new Error(`${source} has no column ${c}`);

const normalize = (n) => n.toLowerCase().replace(/[-_.]+/g, '-');
const ranked = [];
let newest = '';
for (const row of rows) {
  const f = row.split('\t');
  const rank = Number(f[col.rank_among_15000_most_downloaded]);
  if (!f[col.name] || !Number.isInteger(rank) || rank < 1) continue;
  ranked.push([rank, normalize(f[col.name])]);
  if (f[col.month] > newest) newest = f[col.month];
}
ranked.sort((a, b) => a[0] - b[0]);
const names = [...new Set(ranked.map(([, n]) => n))];
const header = [
  `# Generated from a list of PyPI's 15,000 most downloaded distributions; the newest release in that list is from ${newest}.`,
  `# ${names.length} names, PEP 503-normalised, in rank order: the first line after this header is the most downloaded.`,
  '# Regenerate with plugins/python-installer/scripts/generate-top-distributions.mjs.',
];
writeFileSync(new URL('../top-distributions.txt', import.meta.url), `${header.join('\n')}\n${names.join('\n')}\n`);
console.log(`${names.length} names, newest release ${newest}`);
