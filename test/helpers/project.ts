// Throwaway project directories for tests: each test gets its own, so test
// files can run in parallel without sharing state. They go when the test
// file's process ends (a run of the suite left ~2 GB of logs, installs
// and journals in /tmp, kept for good); a file that failed keeps them, to
// look into, and says where they are.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const made: string[] = [];
process.once('exit', (code) => {
  if (code !== 0) {
    if (made.length) process.stderr.write(`kept for a look, as this test file failed: ${made.join(' ')}\n`);
    return;
  }
  for (const dir of made) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // a tmpfs a test could not unmount, say: left as it is
    }
  }
});

/** A new empty directory under the system's temp folder, removed when this test file ends well. */
export function scratchDir(prefix = 'pit-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** A fresh directory holding `files` (path → content). */
export function makeProject(files: Record<string, string | Buffer> = {}): string {
  const dir = scratchDir();
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), content);
  }
  return dir;
}
