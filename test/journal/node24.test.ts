// The journal's tests again on Node 24 from the registry, where it runs on
// node:sqlite: most users' Node, and the one npm 12 (which skips
// better-sqlite3's install script) needs. The suite itself runs on Node 20.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../helpers/paths.js';
import { registryPackage } from '../helpers/registry-package.js';

test("the journal's tests pass on Node 24, on its own SQLite, with no warning printed", { timeout: 300_000 }, () => {
  const node24 = join(registryPackage(`node-linux-${process.arch}@24.22.3`), 'bin', 'node');
  // This run's test runner marks its children; the inner runner must report as a run of its own.
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  const inner = spawnSync(node24, ['--test', '--test-reporter=tap', join(repoRoot, 'dist', 'test', 'journal', 'journal.test.js')], { encoding: 'utf8', env });
  assert.equal(inner.status, 0, inner.stdout + inner.stderr);
  assert.match(inner.stdout, /^ok \d+ - the journal runs on Node's own SQLite/m);
  assert.match(inner.stdout, /^# fail 0$/m);
  assert.doesNotMatch(inner.stdout + inner.stderr, /ExperimentalWarning/);
});
