// Watching the pitfile and its local layer for hot reload. The directory is
// watched, not the files: editors save by writing a new file and renaming
// it over the old one, which a watch on the old file would miss.
import { watch } from 'node:fs';
import { basename, dirname } from 'node:path';
import { LOCAL_LAYER } from './layer.js';

/** Call `onChange` (debounced) when `file` or the local layer beside it changes; returns a stop function. */
export function watchConfig(file: string, onChange: () => void, debounceMs = 30): () => void {
  const names = new Set([basename(file), LOCAL_LAYER]);
  let timer: NodeJS.Timeout | undefined;
  const watcher = watch(dirname(file), (_event, name) => {
    if (name && !names.has(name.toString())) return;
    clearTimeout(timer);
    timer = setTimeout(onChange, debounceMs);
  });
  watcher.on('error', () => {});
  return () => {
    clearTimeout(timer);
    watcher.close();
  };
}
