// File watchers: chokidar below the pitfile's directory, globs matched with
// picomatch (chokidar 4 has no globs), and every burst of changes reported
// as one event that lists the files. An editor's save (temp file + rename,
// truncate + write, many writes) lands inside one debounce window.
import { watch, type FSWatcher } from 'chokidar';
import picomatch from 'picomatch';
import { statSync } from 'node:fs';
import { relative, sep, dirname } from 'node:path';
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

/** Watch `cfg`; `onBurst` gets each debounced batch (paths relative to the root). */
export function watchFiles(cfg: FileWatcherConfig, excludeDir: string, onBurst: (changes: FileChange[]) => void): FileWatcherHandle {
  const isMatch = picomatch(cfg.paths, { dot: true });
  const isIgnored = cfg.ignore.length ? picomatch(cfg.ignore, { dot: true }) : () => false;
  const bases = cfg.paths.map((g) => picomatch.scan(g).base);
  const rel = (abs: string) => relative(cfg.root, abs).split(sep).join('/');
  const excluded = rel(excludeDir);
  // A directory is worth watching if a glob can reach below it: on the way
  // to a glob's fixed base, or inside it. A base that does not exist yet is
  // picked up when it is created, because its parent is watched.
  const isRelevantDir = (r: string) =>
    r === '' || bases.some((b) => b === '' || r === b || r.startsWith(`${b}/`) || b.startsWith(`${r}/`));
  const isSkipped = (r: string) =>
    r.startsWith('..') || r === excluded || r.startsWith(`${excluded}/`) || isIgnored(r) || isIgnored(`${r}/x`);

  const watcher: FSWatcher = watch(cfg.root, {
    ignoreInitial: true,
    ignored: (abs, stats) => {
      const r = rel(abs);
      if (r === '') return false;
      if (isSkipped(r)) return true;
      if (stats?.isDirectory()) return !isRelevantDir(r);
      if (stats?.isFile()) return !isMatch(r);
      return !(isRelevantDir(r) || isRelevantDir(dirname(r) === '.' ? '' : dirname(r)));
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
  const note = (kind: FileEventKind, abs: string) => {
    const r = rel(abs);
    if (!cfg.events.includes(kind) || !isMatch(r) || isSkipped(r)) return;
    if (!pending.size) firstAt = Date.now();
    pending.set(r, kind);
    clearTimeout(quiet);
    quiet = setTimeout(flush, Date.now() - firstAt >= maxWaitMs ? 0 : cfg.debounceMs);
  };
  // chokidar drops a change that follows another on the same file within
  // 50 ms; a second save right after the first would be lost. So each change
  // is checked again once that window has passed.
  const recheck = new Map<string, NodeJS.Timeout>();
  const fingerprint = (abs: string) => {
    try {
      const st = statSync(abs);
      return `${st.mtimeMs}:${st.size}`;
    } catch {
      return 'gone';
    }
  };
  const watchTrailing = (abs: string, seen: string) => {
    clearTimeout(recheck.get(abs));
    recheck.set(
      abs,
      setTimeout(() => {
        recheck.delete(abs);
        const now = fingerprint(abs);
        if (now !== seen && now !== 'gone') {
          note('change', abs);
          watchTrailing(abs, now);
        }
      }, 60),
    );
  };
  for (const kind of ['add', 'change', 'unlink'] as const) {
    watcher.on(kind, (p) => {
      note(kind, p);
      if (kind !== 'unlink') watchTrailing(p, fingerprint(p));
    });
  }
  // A watch error (a directory vanished, too many watches) must not stop the engine.
  watcher.on('error', () => {});

  return {
    ready: new Promise((resolve) => watcher.once('ready', () => resolve())),
    close: async () => {
      clearTimeout(quiet);
      recheck.forEach((t) => clearTimeout(t));
      await watcher.close();
    },
  };
}
