// Watching the pitfile and its local layer for hot reload. Each file is
// watched, not the folder: a watch on the folder wakes the engine for every
// write to any file in it (a log, a database beside the pitfile), and Node
// cannot ask the kernel for less. Editors that save by renaming a new file
// over the old one end the old file's watch; the new file is watched then.
// While the pitfile itself is missing (an editor that moves the old one
// away before writing the new) the folder is watched until it is back; a
// local layer that does not exist is looked for on the engine's periodic
// timer, so creating one is noticed within LAYER_LOOK_MS.
//
// Others truncate the file and write it again in place, in several writes:
// for a moment the file is valid YAML holding only its first processes, and
// applying that would stop the others. So a change is applied only once the
// files have been quiet for QUIET_MS and their size and mtime read the same
// at its start and at its end.
import { watch as fsWatch, statSync, type FSWatcher } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { periodicTimer } from '../periodic-timer.js';
import { LOCAL_LAYER } from './layer.js';

/** How long the pitfile must stay unchanged before a reload reads it. */
export const QUIET_MS = 150;
/** How often a local layer that does not exist is looked for (the escapee tracker's period: one wakeup). */
export const LAYER_LOOK_MS = 5000;

/** fs.watch as the watch uses it (a test counts what reaches the engine). */
export type Watch = (path: string, listener: (event: string, name: string | Buffer | null) => void) => FSWatcher;

/** Call `onChange` when `file` or the local layer beside it changed and has settled; returns a stop function. */
export function watchConfig(file: string, onChange: () => void, quietMs = QUIET_MS, watch: Watch = fsWatch): () => void {
  const dir = dirname(file);
  const names = new Set([basename(file), LOCAL_LAYER]);
  const paths = [...names].map((n) => join(dir, n));
  const look = () => paths.map(signature).join(' ');
  let timer: NodeJS.Timeout | undefined;
  let seen = '';
  let stopped = false;
  const settle = () => {
    const now = look();
    if (now !== seen) {
      // Written to since the last look, with no event yet: give it another quiet spell.
      seen = now;
      timer = setTimeout(settle, quietMs);
      return;
    }
    onChange();
  };
  const changed = () => {
    if (stopped) return;
    clearTimeout(timer);
    seen = look();
    timer = setTimeout(settle, quietMs);
    arm();
  };

  const files = new Map<string, FSWatcher>();
  let folder: FSWatcher | null = null;
  let stopLooking: (() => void) | null = null;
  const drop = (path: string, w: FSWatcher) => {
    w.close();
    if (files.get(path) === w) files.delete(path);
  };
  // Watch each file that exists; the folder only while the pitfile is missing; look for a missing layer.
  const arm = () => {
    for (const path of paths) {
      if (files.has(path)) continue;
      try {
        const w = watch(path, (event) => {
          if (files.get(path) !== w) return; // an event of a watch already ended
          // "rename": this file was replaced, moved or deleted; the name is watched again in changed().
          if (event === 'rename') drop(path, w);
          changed();
        });
        w.on('error', () => drop(path, w));
        files.set(path, w);
      } catch {
        // Missing: looked for below.
      }
    }
    if (!files.has(file) && !folder) {
      folder = watch(dir, (_event, name) => {
        if (name && !names.has(name.toString())) return;
        changed();
      });
      folder.on('error', () => {});
    } else if (files.has(file) && folder) {
      folder.close();
      folder = null;
    }
    const missing = paths.some((p) => !files.has(p));
    if (missing && !stopLooking) {
      stopLooking = periodicTimer.every(LAYER_LOOK_MS, () => paths.some((p) => !files.has(p) && signature(p) !== '-') && changed(), { keepsAlive: false });
    } else if (!missing && stopLooking) {
      stopLooking();
      stopLooking = null;
    }
  };
  arm();
  return () => {
    stopped = true;
    clearTimeout(timer);
    files.forEach((w) => w.close());
    files.clear();
    folder?.close();
    stopLooking?.();
  };
}

/** Size and mtime (ns) of `path`, or "-" when it is missing. */
function signature(path: string): string {
  try {
    const s = statSync(path, { bigint: true });
    return `${s.size}@${s.mtimeNs}`;
  } catch {
    return '-';
  }
}
