// A file watcher's failures, as coded errors reported once each: one
// ENOSPC comes for every directory that could not be watched, and a person
// needs to hear it once, with the fix.
import { errors, type PitError } from '../errors.js';

/** The error for a failure chokidar reported (Node's errors carry `code` and `path`). */
export function describeWatchError(watcher: string, e: NodeJS.ErrnoException, rel: (abs: string) => string): PitError {
  if (e.code === 'ENOSPC') return errors.PIT_E_WATCH_LIMIT(watcher);
  if (e.code === 'EMFILE' || e.code === 'ENFILE') return errors.PIT_E_WATCH_FILES(watcher, e.code);
  const where = e.path ? `cannot watch ${rel(e.path) || '.'}: ` : '';
  return errors.PIT_E_WATCH_FAILED(watcher, `${where}${e.message}`);
}

/**
 * Passes the first failure of each code to `report` and drops the repeats
 * (the first one names a path; the rest are the same trouble elsewhere).
 * A removed directory is reported once per directory.
 */
export function reportOnce(report: (e: PitError) => void): (e: PitError) => void {
  const seen = new Set<string>();
  return (e) => {
    const key = e.code === 'PIT_E_WATCH_GONE' ? e.message : e.code;
    if (seen.has(key)) return;
    seen.add(key);
    report(e);
  };
}
