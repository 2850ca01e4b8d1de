import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { repoRoot } from '../helpers/paths.js';

const pluginsDir = join(repoRoot, 'plugins');

/** The relative modules `file` (a .ts source) imports statically: not `import type`, not `await import()`. */
function staticImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found = [...text.matchAll(/^\s*(?:import|export)\s+(?!type\s)(?:[^'";]*?\s+from\s+)?['"](\.[^'"]+)['"]/gm)];
  return found.map((m) => resolve(dirname(file), m[1].replace(/\.js$/, '.ts')));
}

/** Every plugins/ module `entry` loads with it, by path under plugins/ (the core is the public API, core/index.ts). */
function loadedWith(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file) || !file.startsWith(pluginsDir)) return;
    seen.add(file);
    staticImports(file).forEach(visit);
  };
  visit(join(pluginsDir, entry));
  return [...seen].map((f) => relative(pluginsDir, f)).sort();
}

test("each built-in loads only what it needs at start: the installer and the traceback readers load at first use, so a static import of them fails here", () => {
  // What the engine's thread (plugins/builtins.ts: activate, verbs, doctor, status, routes) and the worker load at start.
  assert.deepEqual(loadedWith('heartbeat/index.ts'), ['heartbeat/index.ts']);
  assert.deepEqual(loadedWith('process-monitor/index.ts'), ['process-monitor/index.ts']);
  assert.deepEqual(loadedWith('import-error-matcher/index.ts'), ['import-error-matcher/index.ts', 'import-error-matcher/output-tail.ts', 'shared/python-command.ts']);
  assert.deepEqual(loadedWith('python-installer/index.ts'), ['python-installer/cli.ts', 'python-installer/config.ts', 'python-installer/index.ts', 'shared/python-command.ts']);
  assert.deepEqual(
    loadedWith('builtins.ts').filter((f) => f !== 'builtins.ts'),
    [...new Set(['heartbeat', 'process-monitor', 'import-error-matcher', 'python-installer'].flatMap((p) => loadedWith(`${p}/index.ts`)))].sort(),
  );
});

test('the import walker sees a static import of the installer, and not a type import or an await import()', () => {
  // It must be able to fail: installer.ts imports its decisions statically.
  assert.ok(loadedWith('python-installer/installer.ts').includes('python-installer/decide.ts'));
  const index = staticImports(join(pluginsDir, 'python-installer', 'index.ts')).map((f) => relative(pluginsDir, f));
  assert.ok(!index.includes('python-installer/installer.ts'), 'index.ts has `import type … installer.js` and `await import("./installer.js")` only');
  assert.match(readFileSync(join(pluginsDir, 'python-installer', 'index.ts'), 'utf8'), /import type [^;]*'\.\/installer\.js'/);
});
