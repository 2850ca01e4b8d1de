// Which paths a file watcher looks at, from the `paths` a person wrote.
// Shared by the watcher and `engine doctor`'s count of watches.
import picomatch from 'picomatch';
import { relative, sep } from 'node:path';
import type { FileWatcherConfig } from '../model/pitfile.js';

/**
 * The globs `paths` stand for. A directory is written as `src`, `src/` or
 * `src/**` and means every file below it; a plain name may also be a file
 * (`pitfile.yaml`), so it keeps matching itself.
 */
export function expandWatchPaths(paths: string[]): string[] {
  return paths.flatMap((written) => {
    const p = written.replace(/^(\.\/)+/, '');
    if (p === '' || p === '.' || p === './') return ['**'];
    if (p.endsWith('/')) return [`${p}**`];
    return picomatch.scan(p).isGlob ? [p] : [p, `${p}/**`];
  });
}

/** A glob whose last segment is `**` matches whole trees, directories included. */
const isTreeGlob = (g: string) => g === '**' || g.endsWith('/**');

/** The matchers of `cfg`; `excludeDir` (the state directory) is never looked at. */
export function watchScope(cfg: FileWatcherConfig, excludeDir: string) {
  const globs = expandWatchPaths(cfg.paths);
  const isMatch = picomatch(globs, { dot: true });
  const fileGlobs = globs.filter((g) => !isTreeGlob(g));
  const treeGlobs = globs.filter(isTreeGlob);
  const isFileGlobMatch = fileGlobs.length ? picomatch(fileGlobs, { dot: true }) : () => false;
  const isTreeMatch = treeGlobs.length ? picomatch(treeGlobs, { dot: true }) : () => false;
  const isIgnored = cfg.ignore.length ? picomatch(cfg.ignore, { dot: true }) : () => false;
  // The fixed start of each glob: `src` for `src/**/*.py`, '' for `**/*.py`.
  const bases = [...new Set(globs.map((g) => picomatch.scan(g).base))];
  const rel = (abs: string) => relative(cfg.root, abs).split(sep).join('/');
  const excluded = rel(excludeDir);
  return {
    bases,
    isMatch,
    rel,
    /**
     * Whether a path not yet looked at on disk is surely a file: `*.py` names
     * a file, so 100,000 of them cost no lstat; a tree glob (`src/**`)
     * matches its directories too, so those are never assumed to be files.
     */
    isSurelyFile: (r: string) => isFileGlobMatch(r) && !isTreeMatch(r),
    // A directory is worth watching if a glob can reach below it: on the way
    // to a glob's fixed base, or inside it. A base that does not exist yet is
    // picked up when it is created, because its parent is watched.
    isRelevantDir: (r: string) =>
      r === '' || bases.some((b) => b === '' || r === b || r.startsWith(`${b}/`) || b.startsWith(`${r}/`)),
    isSkipped: (r: string) =>
      r.startsWith('..') || r === excluded || r.startsWith(`${excluded}/`) || isIgnored(r) || isIgnored(`${r}/x`),
  };
}
