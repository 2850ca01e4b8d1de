// The journal's tests again on the Nodes where it runs on node:sqlite, from
// the npm registry: 22.13, the first without a flag (it finalizes a statement
// collected mid-iteration, and warns that SQLite is experimental), and 24,
// most users' Node and the one npm 12 needs. The suite itself runs on Node 20.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../helpers/paths.js';
import { registryPackage } from '../helpers/registry-package.js';

for (const version of ['22.13.0', '24.22.3']) {
  test(`the journal's tests pass on Node ${version}, on its own SQLite, with no warning printed`, { timeout: 300_000 }, () => {
    const node = join(registryPackage(`node-linux-${process.arch}@${version}`), 'bin', 'node');
    // This run's test runner marks its children; the inner runner must report as a run of its own.
    const { NODE_TEST_CONTEXT: _, ...env } = process.env;
    const inner = spawnSync(node, ['--test', '--test-reporter=tap', join(repoRoot, 'dist', 'test', 'journal', 'journal.test.js')], { encoding: 'utf8', env });
    assert.equal(inner.status, 0, inner.stdout + inner.stderr);
    assert.match(inner.stdout, new RegExp(`^# Subtest: the journal runs on Node's own SQLite[^\\n]*\\nok \\d+ `, 'm'));
    assert.match(inner.stdout, /^# fail 0$/m);
    assert.doesNotMatch(inner.stdout + inner.stderr, /ExperimentalWarning/);
  });
}
