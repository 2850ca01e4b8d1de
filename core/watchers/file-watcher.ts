// File watchers: chokidar below the pitfile's directory, globs matched with
// picomatch (chokidar 4 has no globs), and every burst of changes reported
// as one event that lists the files. An editor's save (temp file + rename,
// truncate + write, many writes) lands inside one debounce window.
import { watch, type FSWatcher } from 'chokidar';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { errors, type PitError } from '../errors.js';
import type { FileEventKind, FileWatcherConfig } from '../model/pitfile.js';
import { watchScope } from './watch-scope.js';
import { describeWatchError, reportOnce } from './watch-errors.js';

export { watchScope } from './watch-scope.js';

export interface FileChange {
  path: string;
  kind: FileEventKind;
}

export interface FileWatcherHandle {
  /** Resolves once the initial scan is done and changes are being seen. */
  ready: Promise<void>;
  close(): Promise<void>;
}

/**
 * Watch `cfg`; `onBurst` gets each debounced batch (paths relative to the
 * root), `onError` each kind of failure once (the watcher keeps going).
 */
export function watchFiles(
  cfg: FileWatcherConfig,
  excludeDir: string,
  onBurst: (changes: FileChange[]) => void,
  onError: (e: PitError) => void = () => {},
): FileWatcherHandle {
  const { bases, isMatch, rel, isSurelyFile, isRelevantDir, isSkipped } = watchScope(cfg, excludeDir);
  const report = reportOnce(onError);

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
      if (stats?.isFile() || isSkipped(r) || (!stats && isSurelyFile(r))) return true;
      return !isRelevantDir(r);
    },
  });

  let pending = new Map<string, FileEventKind>();
  let quiet: NodeJS.Timeout | undefined;
  let firstAt = 0;
  // A file written without pause would defer the event forever; a burst is
  // also cut after ten debounce windows (at least a second).
  const maxWaitMs = Math.max(1000, cfg.debounceMs * 10);
  const seen = new Set<string>();
  const newDirs = new Set<string>();
  const startBurst = () => {
    if (!pending.size && !newDirs.size) firstAt = Date.now();
  };
  const rearm = () => {
    clearTimeout(quiet);
    quiet = setTimeout(flush, Date.now() - firstAt >= maxWaitMs ? 0 : cfg.debounceMs);
  };
  /** Add one change to the burst; false if the watcher does not count that kind. */
  const note = (r: string, kind: FileEventKind): boolean => {
    if (!cfg.events.includes(kind)) return false;
    startBurst();
    // A file added and changed within one burst is still an "add".
    if (pending.get(r) !== 'add' || kind === 'unlink') pending.set(r, kind);
    return true;
  };
  const flush = () => {
    clearTimeout(quiet);
    quiet = undefined;
    for (const dir of newDirs) addFilesOf(dir);
    newDirs.clear();
    const changes = [...pending].map(([path, kind]) => ({ path, kind }));
    pending = new Map();
    if (changes.length) onBurst(changes);
  };
  // A directory is watched only after chokidar has read it: files written
  // into a new directory before that (git checkout, unzip, mkdir -p && echo)
  // make no event, so they are read from the directory itself.
  const addFilesOf = (dir: string) => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return; // gone again
    }
    for (const name of names) {
      const r = rel(join(dir, name));
      if (seen.has(r) || pending.has(r) || !isMatch(r) || isSkipped(r)) continue;
      try {
        if (!statSync(join(dir, name)).isFile()) continue;
      } catch {
        continue;
      }
      seen.add(r);
      note(r, 'add');
    }
  };
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
    if (note(r, kind)) rearm();
  });
  let isReady = false;
  watcher.on('addDir', (abs) => {
    if (!isReady) return;
    startBurst();
    newDirs.add(abs);
    rearm();
  });
  // A removed base (src of src/**/*.py) leaves the watcher blind below it until it is back.
  watcher.on('unlinkDir', (abs) => {
    const r = rel(abs);
    if (bases.includes(r)) report(errors.PIT_E_WATCH_GONE(cfg.name, r));
  });
  watcher.on('error', (e) => report(describeWatchError(cfg.name, e as NodeJS.ErrnoException, rel)));

  return {
    ready: new Promise((resolve) =>
      watcher.once('ready', () => {
        isReady = true;
        resolve();
      }),
    ),
    close: async () => {
      clearTimeout(quiet);
      await watcher.close();
    },
  };
}
