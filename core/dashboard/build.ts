// Builds the dashboard's page into dist/dashboard/ with esbuild: the page's
// script, plus the pitfile editor (CodeMirror) as a chunk loaded only when
// the Config view opens. Everything is bundled: nothing is fetched from
// another host at run time (it works offline).
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';

const src = (f: string) => fileURLToPath(new URL(`../../../core/dashboard/ui/${f}`, import.meta.url));
const out = (f: string) => fileURLToPath(new URL(`../../dashboard/${f}`, import.meta.url));

// Old chunks (their names carry a hash) would be served forever.
rmSync(out(''), { recursive: true, force: true });
mkdirSync(out(''), { recursive: true });
await build({
  entryPoints: [src('app.ts')],
  bundle: true,
  splitting: true,
  minify: true,
  format: 'esm',
  target: 'es2022',
  outdir: out(''),
  chunkNames: 'chunk-[hash]',
  logLevel: 'warning',
});
copyFileSync(src('index.html'), out('index.html'));
const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
const files = readdirSync(out('')).filter((f) => f.endsWith('.js'));
for (const f of files) process.stdout.write(`dashboard: ${f} ${kib(statSync(out(f)).size)} (${kib(gzipSync(readFileSync(out(f))).length)} gzipped)\n`);
