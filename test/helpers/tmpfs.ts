// A small tmpfs mounted by a test, to fill a disk for real. Needs root
// (tests run as root here and in CI). Where it cannot be mounted, the test
// fails under CI=true and otherwise skips, saying why: never silently.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';

/**
 * Mount a tmpfs of `size` (e.g. "2m") on `dir` for the rest of test `t`;
 * false (the test skipped) when it cannot be done here.
 */
export function mountTmpfs(t: TestContext, dir: string, size: string): boolean {
  let why: string | null = null;
  if (process.getuid?.() !== 0) why = 'mounting a tmpfs needs root';
  else {
    try {
      mkdirSync(dir, { recursive: true });
      execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir], { stdio: 'pipe' });
    } catch (e) {
      why = `mount -t tmpfs failed: ${String((e as { stderr?: Buffer }).stderr ?? e).trim()}`;
    }
  }
  if (why) {
    if (process.env.CI === 'true') throw new Error(`cannot run this test under CI: ${why}`);
    t.skip(`needs a tmpfs it can mount: ${why}`);
    return false;
  }
  t.after(() => {
    try {
      execFileSync('umount', [dir], { stdio: 'pipe' });
    } catch {
      execFileSync('umount', ['-l', dir], { stdio: 'pipe' }); // busy: detach now, freed when the last user goes
    }
  });
  return true;
}

/** Fill the filesystem holding `dir` with one file until a write fails with ENOSPC; returns the file. */
export function fillDisk(dir: string): string {
  const file = join(dir, 'filler');
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(64 * 1024, 'f');
  try {
    for (;;) writeSync(fd, chunk);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
  } finally {
    closeSync(fd);
  }
  // The last page may have room for a few bytes: take them too.
  const fd2 = openSync(file, 'a');
  try {
    for (;;) writeSync(fd2, Buffer.alloc(512, 'f'));
  } catch { /* full */ } finally {
    closeSync(fd2);
  }
  return file;
}

/** Give the space back. */
export const freeDisk = (filler: string) => rmSync(filler, { force: true });
