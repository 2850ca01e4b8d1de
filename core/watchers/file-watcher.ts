// File watchers: chokidar below the pitfile's directory, globs matched with
// picomatch (chokidar 4 has no globs), and every burst of changes reported
// as one event that lists the files. An editor's save (temp file + rename,
// truncate + write, many writes) lands inside one debounce window.
import { watch, type FSWatcher } from 'chokidar';
import picomatch from 'picomatch';
import { statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { FileEventKind, FileWatcherConfig } from '../model/pitfile.js';

export interface FileChange {
  path: string;
  kind: FileEventKind;
}

export interface FileWatcherHandle {
  /** Resolves once the initial scan is done and changes are being seen. */
  ready: Promise<void>;
  close(): Promise<void>;
}

/** Which paths a file watcher looks at: shared by the watcher and `engine doctor`'s count of watches. */
export function watchScope(cfg: FileWatcherConfig, excludeDir: string) {
  const isMatch = picomatch(cfg.paths, { dot: true });
  const isIgnored = cfg.ignore.length ? picomatch(cfg.ignore, { dot: true }) : () => false;
  const bases = cfg.paths.map((g) => picomatch.scan(g).base);
  const rel = (abs: string) => relative(cfg.root, abs).split(sep).join('/');
  const excluded = rel(excludeDir);
  return {
    isMatch,
    rel,
    // A directory is worth watching if a glob can reach below it: on the way
    // to a glob's fixed base, or inside it. A base that does not exist yet is
    // picked up when it is created, because its parent is watched.
    isRelevantDir: (r: string) =>
      r === '' || bases.some((b) => b === '' || r === b || r.startsWith(`${b}/`) || b.startsWith(`${r}/`)),
    isSkipped: (r: string) =>
      r.startsWith('..') || r === excluded || r.startsWith(`${excluded}/`) || isIgnored(r) || isIgnored(`${r}/x`),
  };
}

/** Watch `cfg`; `onBurst` gets each debounced batch (paths relative to the root). */
export function watchFiles(cfg: FileWatcherConfig, excludeDir: string, onBurst: (changes: FileChange[]) => void): FileWatcherHandle {
  const { isMatch, rel, isRelevantDir, isSkipped } = watchScope(cfg, excludeDir);

  // Only directories are watched: one inotify watch per directory reports
  // every change to the files in it (chokidar's "raw" events), where
  // watching each file would cost a watch and a handle per file (100,000
  // files: 12 s and 560 MiB). Raw events also escape chokidar's 50 ms
  // throttle, which drops a second save that follows the first too soon.
  const watcher: FSWatcher = watch(cfg.root, {
    ignoreInitial: true,
    ignored: (abs, stats) => {
      const r = rel(abs);
      if (r === '') return false;
      // A path the glob matches is taken for a file without asking the disk:
      // 100,000 lstat calls are most of the start-up of a large tree.
      if (stats?.isFile() || isSkipped(r) || (!stats && isMatch(r))) return true;
      return !isRelevantDir(r);
    },
  });

  let pending = new Map<string, FileEventKind>();
  let quiet: NodeJS.Timeout | undefined;
  let firstAt = 0;
  // A file written without pause would defer the event forever; a burst is
  // also cut after ten debounce windows (at least a second).
  const maxWaitMs = Math.max(1000, cfg.debounceMs * 10);
  const flush = () => {
    clearTimeout(quiet);
    quiet = undefined;
    const changes = [...pending].map(([path, kind]) => ({ path, kind }));
    pending = new Map();
    if (changes.length) onBurst(changes);
  };
  const seen = new Set<string>();
  watcher.on('raw', (event, name, details) => {
    const dir = (details as { watchedPath?: string } | undefined)?.watchedPath;
    if (!name || !dir) return;
    const abs = join(dir, name);
    const r = rel(abs);
    if (!isMatch(r) || isSkipped(r)) return;
    let kind: FileEventKind;
    try {
      if (!statSync(abs).isFile()) return;
      kind = event === 'change' || seen.has(r) ? 'change' : 'add';
      seen.add(r);
    } catch {
      kind = 'unlink';
      seen.delete(r);
    }
    if (!cfg.events.includes(kind)) return;
    if (!pending.size) firstAt = Date.now();
    // A file added and changed within one burst is still an "add".
    if (pending.get(r) !== 'add' || kind === 'unlink') pending.set(r, kind);
    clearTimeout(quiet);
    quiet = setTimeout(flush, Date.now() - firstAt >= maxWaitMs ? 0 : cfg.debounceMs);
  });
  // A watch error (a directory vanished, too many watches) must not stop the engine.
  watcher.on('error', () => {});

  return {
    ready: new Promise((resolve) => watcher.once('ready', () => resolve())),
    close: async () => {
      clearTimeout(quiet);
      await watcher.close();
    },
  };
}
