// Runs every compiled *.test.js under dist/test with node's test runner.
// Node 20's own directory search would also run helpers and fixtures (any .js
// under a "test" folder), so the files are listed here instead.
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const files = (readdirSync(here, { recursive: true }) as string[])
  .filter((f) => f.endsWith('.test.js'))
  .filter((f) => process.argv.length <= 2 || process.argv.slice(2).some((a) => f.includes(a)))
  .sort()
  .map((f) => join(here, f));

// With no file, node --test would search the whole tree, helpers included.
if (!files.length) {
  console.error(`no test file matches ${process.argv.slice(2).join(' ')}`);
  process.exit(2);
}

// Test files spawn real children and mostly wait on them, so run more files
// than cores; each file keeps its own state directory.
const concurrency = Math.max(2, availableParallelism() * 2);
const r = spawnSync(process.execPath, ['--test', `--test-concurrency=${concurrency}`, ...files], {
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
