// Size-based rotation: name.log → name.log.1 → … → name.log.<keep>, the
// oldest dropped. The writer closes the file first and opens a fresh one
// after, so nothing is written to a file that is being renamed.
import { readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Shift `path` to `path`.1, older ones one further, keeping `keep` old files (0: none). */
export function rotateLogFiles(path: string, keep: number): void {
  const dir = dirname(path);
  const base = basename(path);
  // Old files at or past `keep` would end beyond it. Listing the folder
  // (rotation is rare) also removes those left by a larger `keep` before.
  for (const f of readdirSync(dir)) {
    const suffix = f.startsWith(`${base}.`) ? f.slice(base.length + 1) : '';
    if (/^\d+$/.test(suffix) && Number(suffix) >= Math.max(keep, 1)) rmSync(join(dir, f), { force: true });
  }
  if (keep === 0) return rmSync(path, { force: true });
  for (let i = keep - 1; i >= 1; i--) renameIfExists(`${path}.${i}`, `${path}.${i + 1}`);
  renameIfExists(path, `${path}.1`);
}

function renameIfExists(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}
