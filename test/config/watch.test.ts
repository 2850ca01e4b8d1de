import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { QUIET_MS, watchConfig } from '../../core/config/watch.js';
import { makeProject } from '../helpers/project.js';
import { within } from '../helpers/wait.js';

const full = 'version: 1\nprocesses:\n  a: { command: [a] }\n  b: { command: [b] }\n';
const half = full.slice(0, full.indexOf('  b:'));

test('a pitfile rewritten in place in two writes 50 ms apart is reported once, with both halves on disk', async () => {
  const dir = makeProject({ 'pitfile.yaml': 'version: 1\nprocesses: {}\n' });
  const file = join(dir, 'pitfile.yaml');
  const seen: string[] = [];
  let changed!: () => void;
  const first = new Promise<void>((r) => (changed = r));
  const stop = watchConfig(file, () => {
    seen.push(readFileSync(file, 'utf8'));
    changed();
  });
  try {
    // An editor that truncates and writes in place, in two writes (the gap is the scenario, not a wait).
    writeFileSync(file, half);
    await sleep(50);
    appendFileSync(file, full.slice(half.length));
    await within(first, 5000, 'the change to be reported');
    // Nothing more was written: no second report may come (two quiet spells is ample).
    await sleep(QUIET_MS * 2);
    assert.deepEqual(seen, [full]);
  } finally {
    stop();
  }
});

test('a file written to all along is not reported until it has been quiet', async () => {
  const dir = makeProject({ 'pitfile.yaml': 'version: 1\n' });
  const file = join(dir, 'pitfile.yaml');
  const at: number[] = [];
  const stop = watchConfig(file, () => at.push(Date.now()));
  try {
    const start = Date.now();
    let lastWrite = 0;
    for (let i = 0; i < 10; i++) {
      appendFileSync(file, `# ${i}\n`);
      lastWrite = Date.now();
      await sleep(QUIET_MS / 3);
    }
    await within((async () => { while (!at.length) await sleep(10); })(), 5000, 'the change to be reported');
    assert.equal(at.length, 1);
    assert.ok(at[0] - lastWrite >= QUIET_MS - 20, `reported ${at[0] - lastWrite} ms after the last write`);
    assert.ok(at[0] - start > 10 * (QUIET_MS / 3));
  } finally {
    stop();
  }
});
