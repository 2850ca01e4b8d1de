// Watching the pitfile and its local layer for hot reload. The directory is
// watched, not the files: editors save by writing a new file and renaming
// it over the old one, which a watch on the old file would miss.
//
// Others truncate the file and write it again in place, in several writes:
// for a moment the file is valid YAML holding only its first processes, and
// applying that would stop the others. So a change is applied only once the
// files have been quiet for QUIET_MS and their size and mtime read the same
// at its start and at its end.
import { watch, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { LOCAL_LAYER } from './layer.js';

/** How long the pitfile must stay unchanged before a reload reads it. */
export const QUIET_MS = 150;

/** Call `onChange` when `file` or the local layer beside it changed and has settled; returns a stop function. */
export function watchConfig(file: string, onChange: () => void, quietMs = QUIET_MS): () => void {
  const dir = dirname(file);
  const names = new Set([basename(file), LOCAL_LAYER]);
  const look = () => [...names].map((n) => signature(join(dir, n))).join(' ');
  let timer: NodeJS.Timeout | undefined;
  let seen = '';
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
  const watcher = watch(dir, (_event, name) => {
    if (name && !names.has(name.toString())) return;
    clearTimeout(timer);
    seen = look();
    timer = setTimeout(settle, quietMs);
  });
  watcher.on('error', () => {});
  return () => {
    clearTimeout(timer);
    watcher.close();
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
