import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, renameSync, writeFileSync, truncateSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { watchFiles, type FileChange } from '../../core/watchers/file-watcher.js';
import type { FileWatcherConfig } from '../../core/model/pitfile.js';
import { makeProject } from '../helpers/project.js';
import { within } from '../helpers/wait.js';

/** A watcher on a fresh project, with its bursts as a queue to await. */
async function watching(cfg: Partial<FileWatcherConfig>, files: Record<string, string> = {}) {
  const root = makeProject(files);
  const bursts: FileChange[][] = [];
  let wake: (() => void) | null = null;
  const h = watchFiles(
    { kind: 'file', name: 'w', paths: ['src/**/*.py'], ignore: [], root, events: ['add', 'change', 'unlink'], debounceMs: 150, ...cfg },
    join(root, '.pit'),
    (b) => {
      bursts.push(b);
      wake?.();
    },
  );
  await h.ready;
  const next = async (what: string) => {
    if (!bursts.length) await within(new Promise<void>((r) => (wake = r)), 10_000, what);
    return bursts.shift()!;
  };
  return { root, bursts, next, close: h.close };
}

test('a burst of 50 writes gives one event that lists the file', async (t) => {
  const w = await watching({}, { 'src/app.py': '' });
  t.after(w.close);
  for (let i = 0; i < 50; i++) appendFileSync(join(w.root, 'src/app.py'), `x = ${i}\n`);
  assert.deepEqual(await w.next('the burst'), [{ path: 'src/app.py', kind: 'change' }]);
  // Bracket the quiet period with a write whose event we can await.
  writeFileSync(join(w.root, 'src/other.py'), '');
  assert.deepEqual(await w.next('the marker'), [{ path: 'src/other.py', kind: 'add' }]);
});

test('an editor save by temp file and rename, or truncate and write, gives one event', async (t) => {
  const w = await watching({}, { 'src/a.py': 'old\n', 'src/b.py': 'old\n' });
  t.after(w.close);
  writeFileSync(join(w.root, 'src/.a.py.swp'), 'new\n');
  renameSync(join(w.root, 'src/.a.py.swp'), join(w.root, 'src/a.py'));
  truncateSync(join(w.root, 'src/b.py'));
  writeFileSync(join(w.root, 'src/b.py'), 'new\n');
  const burst = await w.next('the saves');
  assert.deepEqual(burst.map((c) => c.path).sort(), ['src/a.py', 'src/b.py']);
});

test('ignored and non-matching files are left out of the event', async (t) => {
  const w = await watching({ ignore: ['**/__pycache__/**'] }, { 'src/keep.py': '' });
  t.after(w.close);
  mkdirSync(join(w.root, 'src/__pycache__'));
  writeFileSync(join(w.root, 'src/__pycache__/x.py'), '');
  writeFileSync(join(w.root, 'src/notes.txt'), '');
  writeFileSync(join(w.root, 'README.py'), '');
  writeFileSync(join(w.root, 'src/keep.py'), 'changed');
  assert.deepEqual(await w.next('the change'), [{ path: 'src/keep.py', kind: 'change' }]);
});

test('a watched directory that does not exist yet is watched once it is created', async (t) => {
  const w = await watching({ paths: ['later/**/*.py'] });
  t.after(w.close);
  mkdirSync(join(w.root, 'later/deep'), { recursive: true });
  // Give the new directories time to be picked up: retry the write until seen.
  let burst: FileChange[] | undefined;
  for (let i = 0; i < 20 && !burst; i++) {
    writeFileSync(join(w.root, 'later/deep/new.py'), String(i));
    burst = await w.next('the new file').catch(() => undefined);
  }
  assert.equal(burst?.[0].path, 'later/deep/new.py');
});

test('a second save right after the first is not lost', async (t) => {
  // chokidar drops a change within 50 ms of the previous one on the same file.
  const w = await watching({ debounceMs: 5 }, { 'src/app.py': 'v0' });
  t.after(w.close);
  writeFileSync(join(w.root, 'src/app.py'), 'v1');
  await w.next('the first save');
  writeFileSync(join(w.root, 'src/app.py'), 'v2 longer');
  assert.deepEqual(await w.next('the second save'), [{ path: 'src/app.py', kind: 'change' }]);
});
