// Recording a heal in requirements.txt: the next `pip install -r` of the
// project gets what the engine installed by itself, pinned to the version
// that healed it, with a comment that says who added it and why.
import { execFile } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { normalizeName } from './known-distributions.js';

/** The requirements.txt of the first of `dirs` that has one, or null. */
export function findRequirementsFile(dirs: string[]): string | null {
  for (const dir of new Set(dirs)) {
    const file = join(dir, 'requirements.txt');
    if (existsSync(file)) return file;
  }
  return null;
}

/** Whether `file` already names `distribution` on a line of its own. */
function lists(file: string, distribution: string): boolean {
  const want = normalizeName(distribution);
  return readFileSync(file, 'utf8')
    .split('\n')
    .some((l) => normalizeName(/^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(l)?.[1] ?? '') === want);
}

/** The installed version of `distribution`, as `python` sees it. */
export function installedVersion(python: string, distribution: string): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(python, ['-I', '-c', 'import sys, importlib.metadata as m; print(m.version(sys.argv[1]))', distribution], { timeout: 30_000 }, (err, out) => resolve(err ? null : out.trim() || null));
  });
}

/**
 * Append `distribution==version` to `file` unless it lists the distribution
 * already; returns what was written, or null when nothing was.
 */
export function appendRequirement(file: string, distribution: string, version: string | null, why: string, at = new Date()): string | null {
  if (lists(file, distribution)) return null;
  const text = readFileSync(file, 'utf8');
  const line = `${distribution}${version ? `==${version}` : ''}  # added by pit on ${at.toISOString().slice(0, 10)}: ${why.replace(/[\r\n]+/g, ' ')}`;
  appendFileSync(file, `${text === '' || text.endsWith('\n') ? '' : '\n'}${line}\n`);
  return line;
}
