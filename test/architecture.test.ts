// The plugin boundary, held by a test: the core imports nothing from
// plugins/, a built-in plugin imports the core only through core/index.ts
// (as a team's plugin imports pitengine), and what the built-ins emit is
// declared in the event catalogue, never published as custom:event; a
// pitfile section a built-in owns is named only by that plugin; and no
// module imports itself through others, not even for a type.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { repoRoot } from './helpers/paths.js';
import { eventTypes } from '../core/events/catalog.js';

const sources = (dir: string) =>
  (readdirSync(join(repoRoot, dir), { recursive: true }) as string[])
    .filter((f) => /\.(ts|mts)$/.test(f) && !f.endsWith('.d.ts'))
    .map((f) => join(repoRoot, dir, f));

/** Every module a file imports (static, side-effect, re-export and dynamic with a literal), resolved to a repository path. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm)].map((m) => m[1]);
  return specs.filter((s) => s.startsWith('.')).map((s) => relative(repoRoot, resolve(dirname(file), s)).replace(/\.js$/, '.ts'));
}

const rel = (file: string) => relative(repoRoot, file);

test('no file under core/ imports from plugins/', () => {
  const found = sources('core').flatMap((f) => importsOf(f).filter((to) => to.startsWith('plugins/')).map((to) => `${rel(f)} imports ${to}`));
  assert.deepEqual(found, []);
});

test('only core/plugins/builtins.ts locates the shipped plugins, by path, as it locates a team plugin', () => {
  const pointsAtPlugins = (f: string) =>
    [...readFileSync(f, 'utf8').matchAll(/['"`]((?:\.\.\/)+plugins\/[^'"`]*)['"`]/g)].some((m) => rel(resolve(dirname(f), m[1])).startsWith('plugins'));
  const mentions = sources('core').filter(pointsAtPlugins).map(rel);
  assert.deepEqual(mentions, ['core/plugins/builtins.ts']);
});

test('plugins/ imports the core only through core/index.ts, and no built-in imports another', () => {
  const found: string[] = [];
  for (const f of sources('plugins')) {
    const own = rel(f).split('/')[1];
    for (const to of importsOf(f)) {
      if (to.startsWith('core/') && to !== 'core/index.ts') found.push(`${rel(f)} imports ${to}`);
      // plugins/builtins.ts lists them all; plugins/shared/ is a library of the built-ins, not a plugin.
      if (to.startsWith('plugins/') && rel(f) !== 'plugins/builtins.ts' && !to.startsWith('plugins/shared/') && to.split('/')[1] !== own) found.push(`${rel(f)} imports ${to}`);
    }
  }
  assert.deepEqual(found, []);
});

test('every event a built-in plugin emits is declared in the catalogue, so none is published as custom:event', () => {
  const emitted = sources('plugins').flatMap((f) =>
    [...readFileSync(f, 'utf8').matchAll(/ctx\.emit\(\s*[`'"]([^`'"]+)[`'"]/g)].map((m) => ({ file: rel(f), name: m[1] })),
  );
  assert.ok(emitted.length >= 5, `the scan finds the built-ins' emits (found ${emitted.length})`);
  const undeclared = emitted.filter(({ name }) => {
    const [kind, , what] = name.split(':');
    return kind === 'custom' || !(eventTypes as readonly string[]).includes(`${kind}:${what}`);
  });
  assert.deepEqual(undeclared, []);
  assert.deepEqual(sources('plugins').filter((f) => readFileSync(f, 'utf8').includes('custom:event')).map(rel), [], 'no built-in names custom:event');
});

/** Every module of dist/core a compiled one loads (static, re-export and dynamic with a literal), as paths under dist/. */
function runtimeImportsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s*)['"]([^'"]+)['"]/gm)].map((m) => m[1]);
  return specs.filter((s) => s.startsWith('.')).map((s) => resolve(dirname(file), s));
}

/** A path of imports that comes back to where it started, or null. */
function findCycle(graph: Map<string, string[]>): string[] | null {
  const done = new Set<string>();
  const onPath: string[] = [];
  const visit = (node: string): string[] | null => {
    const at = onPath.indexOf(node);
    if (at >= 0) return [...onPath.slice(at), node];
    if (done.has(node)) return null;
    onPath.push(node);
    for (const to of graph.get(node) ?? []) {
      const cycle = visit(to);
      if (cycle) return cycle;
    }
    onPath.pop();
    done.add(node);
    return null;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return null;
}

// The compiled modules, so type-only imports (erased) do not count: a cycle here
// is one Node loads, where a module can run before the one it imports is done.
test('no module under core/ imports itself through others (no import cycle)', () => {
  const dist = join(repoRoot, 'dist', 'core');
  const files = (readdirSync(dist, { recursive: true }) as string[]).filter((f) => f.endsWith('.js')).map((f) => join(dist, f));
  assert.ok(files.length > 50, `the scan finds the compiled core (found ${files.length})`);
  const inCore = new Set(files);
  const graph = new Map(files.map((f) => [f, runtimeImportsOf(f).filter((to) => inCore.has(to))]));
  assert.ok([...graph.values()].some((tos) => tos.length > 0), 'the scan finds imports between core modules');
  assert.equal(findCycle(graph)?.map((f) => relative(dist, f)).join(' → ') ?? null, null);
});

// Types too: a type-only cycle costs nothing at run time, but it ties modules
// that should stand apart (the plugin contract named the doctor's checks,
// which load the built-ins, which name the contract).
test('no module under core/ or plugins/ imports itself through others, counting type-only imports', () => {
  const files = [...sources('core'), ...sources('plugins')].map(rel).filter((f) => !f.startsWith('core/dashboard/ui/'));
  const known = new Set(files);
  const graph = new Map(files.map((f) => [f, importsOf(join(repoRoot, f)).filter((to) => known.has(to))]));
  assert.ok([...graph.values()].some((tos) => tos.length > 0), 'the scan finds imports between modules');
  assert.equal(findCycle(graph)?.join(' → ') ?? null, null);
});

test("a built-in's pitfile section is its own: the schema holds it as the plugin declares it, and no core code names it", async () => {
  const { builtins } = await import('../core/plugins/builtins.js');
  const schema = JSON.parse(readFileSync(join(repoRoot, 'schemas', 'pitfile.schema.json'), 'utf8'));
  const sections = builtins().flatMap((b) => (b.definition.section ? [b.definition.section] : []));
  assert.deepEqual(sections.map((s) => s.key), ['installer']);
  // Code only: comments may say what a plugin owns, and errors.ts's messages tell the person which setting to change.
  const code = (f: string) => readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  for (const { key, schema: own } of sections) {
    assert.deepEqual(schema.definitions[key], own, `schemas/pitfile.schema.json: definitions.${key} is the plugin's section (npm run build writes it)`);
    assert.deepEqual(schema.properties[key], { $ref: `#/definitions/${key}` });
    const names = new RegExp(`\\.${key}\\b|['"\`]${key}['"\`]|\\b${key}:`);
    const naming = sources('core').filter((f) => !f.endsWith('core/errors.ts') && names.test(code(f))).map(rel);
    assert.deepEqual(naming, []);
  }
});

test('the cycle check finds a cycle of three modules, and none in a chain', () => {
  assert.deepEqual(findCycle(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']]])), ['a', 'b', 'c', 'a']);
  assert.equal(findCycle(new Map([['a', ['b']], ['b', ['c']], ['c', []]])), null);
});

test('every file and folder docs/architecture.md names exists, so the map matches the code', () => {
  const text = readFileSync(join(repoRoot, 'docs', 'architecture.md'), 'utf8');
  const named = [...text.matchAll(/`((?:core|plugins|schemas|docs|test)\/[\w./-]*)`/g)].map((m) => m[1]);
  assert.ok(named.length >= 30, `the scan finds the paths the page names (found ${named.length})`);
  // A bare file name in a table row (`parse.ts`) is looked for in the row's folder (`core/config/`).
  for (const row of text.split('\n').filter((l) => l.startsWith('| `'))) {
    const folder = /^\| `([\w/-]+\/)`/.exec(row)?.[1];
    if (folder) named.push(...[...row.matchAll(/`([\w.-]+\.ts)`/g)].map((m) => folder + m[1]));
  }
  const missing = named.filter((p) => !existsSync(join(repoRoot, p)));
  assert.deepEqual(missing, []);
});
