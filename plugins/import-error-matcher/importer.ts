// Where the failing import ran, read from the traceback's frames: the
// frame that ran it (past importlib's own), the installed package it
// belongs to, or a console script in a bin/ folder (a tool whose own
// package is gone).
import type { Frame } from './traceback-block.js';

/** The frame that ran the import: the last one outside importlib's machinery. */
export function importingFrame(frames: readonly Frame[]): Frame | null {
  for (let i = frames.length - 1; i >= 0; i--) {
    const f = frames[i].file;
    if (f.startsWith('<frozen importlib') || f.endsWith('/importlib/__init__.py')) continue;
    return frames[i];
  }
  return null;
}

/** ".../site-packages/flask_sqlalchemy/__init__.py" → "flask_sqlalchemy". */
export function installedPackageOf(file: string): string | null {
  for (const dir of ['/site-packages/', '/dist-packages/']) {
    const at = file.lastIndexOf(dir);
    if (at < 0) continue;
    const rest = file.slice(at + dir.length);
    const name = rest.slice(0, rest.includes('/') ? rest.indexOf('/') : undefined);
    return name.endsWith('.py') ? name.slice(0, -3) : name;
  }
  return null;
}

/**
 * A console-script shim (…/bin/conda) that cannot import its own package:
 * the tool's installation is broken; installing its import name from an
 * index would fetch something else (PyPI's "conda" is an unrelated upload).
 */
export function isConsoleScript(file: string): boolean {
  const name = scriptName(file);
  return name !== '' && !name.includes('.');
}

/** A console script named for `distribution` (PEP 503 names): the tool cannot find itself. */
export function isConsoleScriptOf(file: string, distribution: string): boolean {
  const pep503 = (n: string) => n.toLowerCase().replace(/[-_.]+/g, '-');
  const name = scriptName(file);
  return name !== '' && pep503(name) === pep503(distribution);
}

/** "/usr/local/bin/exscript" → "exscript"; '' for a file outside a bin/ or sbin/ folder. */
function scriptName(file: string): string {
  const slash = file.lastIndexOf('/');
  const dir = file.slice(file.lastIndexOf('/', slash - 1) + 1, slash);
  return slash > 0 && (dir === 'bin' || dir === 'sbin') ? file.slice(slash + 1) : '';
}
