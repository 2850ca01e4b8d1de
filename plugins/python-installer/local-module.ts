// Is a module the project's own? A file, folder or extension of that name
// in the project means a path problem, never a package to install.
import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';

/** Folders that hold installed or generated code, not the project's own. */
const NOT_PROJECT = new Set(['.git', '.hg', '.venv', 'venv', 'env', '.env', '.tox', '.nox', 'node_modules', '__pycache__', 'site-packages', 'dist-packages', '.mypy_cache', '.pytest_cache', 'build', 'dist']);
const DEPTH = 3;

/**
 * Where `top` is defined under one of `dirs` (as a path relative to that dir),
 * or a package folder named `top` that holds one of `dirs` (a script run from
 * inside its own package: `python mypkg/cli.py` importing mypkg); null if neither.
 */
export function findLocalModule(top: string, dirs: string[]): string | null {
  for (const dir of new Set(dirs)) {
    for (let d = dir; dirname(d) !== d; d = dirname(d)) {
      if (basename(d) === top && existsSync(join(d, '__init__.py'))) return `${d}/ (the package the process runs inside)`;
    }
  }
  const names = new Set([`${top}.py`, top]);
  for (const dir of new Set(dirs)) {
    const found = search(dir, dir, top, names, 0);
    if (found) return found;
  }
  return null;
}

function search(root: string, dir: string, top: string, names: Set<string>, depth: number): string | null {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return null;
  }
  for (const e of entries) {
    const isExtension = e.isFile() && e.name.startsWith(`${top}.`) && /\.(so|pyd)$/.test(e.name);
    if ((names.has(e.name) && (e.isDirectory() || e.name.endsWith('.py'))) || isExtension) {
      return relative(root, join(dir, e.name)) + (e.isDirectory() ? '/' : '');
    }
  }
  if (depth >= DEPTH) return null;
  for (const e of entries) {
    if (!e.isDirectory() || NOT_PROJECT.has(e.name) || e.name.startsWith('.')) continue;
    const found = search(root, join(dir, e.name), top, names, depth + 1);
    if (found) return found;
  }
  return null;
}
