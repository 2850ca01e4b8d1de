// Runs every compiled *.test.js under dist/test with node's test runner,
// after making sure the programs the suite drives are here (test/helpers/tools.ts).
// Node 20's own directory search would also run helpers and fixtures (any .js
// under a "test" folder), so the files are listed here instead.
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installCommand, missingTools, tools, type ToolName } from './helpers/tools.js';

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

const missing = setUpTools();
if (missing.length && process.env.CI) {
  console.error(`CI: the suite needs ${missing.join(', ')}, and they could not be installed. Run: ${installCommand(missing)}`);
  process.exit(1);
}

// Test files spawn real children and mostly wait on them, so run more files
// than cores; each file keeps its own state directory. Files that measure the
// engine's memory run after them, alone: on a loaded machine garbage is
// collected late, and a peak measures the load, not the engine.
const ALONE = ['output-floods.test.js'];
const alone = files.filter((f) => ALONE.some((a) => f.endsWith(a)));
const together = files.filter((f) => !alone.includes(f));
const concurrency = Math.max(2, availableParallelism() * 2);
const runFiles = (list: string[], n: number) => spawnSync(process.execPath, ['--test', `--test-concurrency=${n}`, ...list], { stdio: 'inherit' }).status ?? 1;
const status = Math.max(together.length ? runFiles(together, concurrency) : 0, alone.length ? runFiles(alone, 1) : 0);
if (missing.length) {
  console.error(`\nSkipped tests that need ${missing.map((n) => `${n} (${tools[n].why})`).join(', ')}.`);
  console.error(`Install them and run again: ${installCommand(missing)}`);
}
process.exit(status);

/** Install what is missing with apt when root; return what is still missing. */
function setUpTools(): ToolName[] {
  const missing = missingTools();
  const canInstall = process.getuid?.() === 0 && spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!missing.length || !canInstall) return missing;
  const pkgs = [...new Set(missing.map((n) => tools[n].apt))];
  console.error(`installing what the suite needs: apt-get install ${pkgs.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  spawnSync('apt-get', ['install', '-y', '-qq', ...pkgs], { stdio: 'inherit', env });
  return missingTools();
}
