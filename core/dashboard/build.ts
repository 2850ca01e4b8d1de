// Builds the dashboard's page into dist/dashboard/ with esbuild: one small
// script, no framework, nothing fetched at run time (it works offline).
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const src = (f: string) => fileURLToPath(new URL(`../../../core/dashboard/ui/${f}`, import.meta.url));
const out = (f: string) => fileURLToPath(new URL(`../../dashboard/${f}`, import.meta.url));

mkdirSync(out(''), { recursive: true });
await build({ entryPoints: [src('app.ts')], bundle: true, minify: true, format: 'esm', target: 'es2022', outfile: out('app.js'), logLevel: 'warning' });
copyFileSync(src('index.html'), out('index.html'));
process.stdout.write(`dashboard: app.js ${(statSync(out('app.js')).size / 1024).toFixed(1)} KiB\n`);
