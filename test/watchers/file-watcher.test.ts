import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, renameSync, rmSync, writeFileSync, truncateSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { watchFiles, type FileChange } from '../../core/watchers/file-watcher.js';
import { expandWatchPaths } from '../../core/watchers/watch-scope.js';
import { describeWatchError, reportOnce } from '../../core/watchers/watch-errors.js';
import type { PitError } from '../../core/errors.js';
import type { FileWatcherConfig } from '../../core/model/pitfile.js';
import { makeProject } from '../helpers/project.js';
import { within } from '../helpers/wait.js';

/** A watcher on a fresh project, with its bursts as a queue to await. */
async function watching(cfg: Partial<FileWatcherConfig>, files: Record<string, string> = {}) {
  const root = makeProject(files);
  const bursts: FileChange[][] = [];
  const failures: PitError[] = [];
  let wake: (() => void) | null = null;
  const h = watchFiles(
    { kind: 'file', name: 'w', paths: ['src/**/*.py'], ignore: [], root, events: ['add', 'change', 'unlink'], debounceMs: 150, ...cfg },
    join(root, '.pit'),
    (b) => {
      bursts.push(b);
      wake?.();
    },
    (e) => {
      failures.push(e);
      wake?.();
    },
  );
  await h.ready;
  const next = async (what: string) => {
    if (!bursts.length) await within(new Promise<void>((r) => (wake = r)), 10_000, what);
    return bursts.shift()!;
  };
  const nextFailure = async (what: string) => {
    while (!failures.length) await within(new Promise<void>((r) => (wake = r)), 10_000, what);
    return failures.shift()!;
  };
  return { root, bursts, failures, next, nextFailure, close: h.close };
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
  writeFileSync(join(w.root, 'later/deep/new.py'), '');
  const seen: FileChange[] = [];
  while (!seen.length) seen.push(...(await w.next('later/deep/new.py')));
  assert.deepEqual(seen, [{ path: 'later/deep/new.py', kind: 'add' }]);
  // And a change once it is watched.
  writeFileSync(join(w.root, 'later/deep/new.py'), 'v1');
  assert.deepEqual(await w.next('the change of later/deep/new.py'), [{ path: 'later/deep/new.py', kind: 'change' }]);
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

// The paths people write, each against a change, a new file in an existing
// subdirectory and one in a brand-new subdirectory. Every case first writes
// a file the pattern must NOT see, then the one it must: if the first fired,
// it would be in this burst or an earlier one.
const tree = { 'src/app.py': 'v0', 'src/pkg/__init__.py': '', 'src/x.txt': '', 'other/a.py': '' };
const forms: { paths: string[]; outside: string }[] = [
  { paths: ['src'], outside: 'other/a.py' },
  { paths: ['src/'], outside: 'other/a.py' },
  { paths: ['src/**'], outside: 'other/a.py' },
  { paths: ['src/**/*.py'], outside: 'src/x.txt' },
  { paths: ['**/*.py'], outside: 'src/x.txt' },
];
for (const { paths, outside } of forms) {
  test(`paths ${paths[0]} sees a change of an existing file, and not ${outside}`, async (t) => {
    const w = await watching({ paths }, tree);
    t.after(w.close);
    writeFileSync(join(w.root, outside), 'changed');
    writeFileSync(join(w.root, 'src/app.py'), 'v1');
    assert.deepEqual(await w.next('the change of src/app.py'), [{ path: 'src/app.py', kind: 'change' }]);
  });

  test(`paths ${paths[0]} sees a new file in a subdirectory, and not ${outside}`, async (t) => {
    const w = await watching({ paths }, tree);
    t.after(w.close);
    writeFileSync(join(w.root, outside), 'changed');
    writeFileSync(join(w.root, 'src/pkg/new.py'), '');
    assert.deepEqual(await w.next('the new src/pkg/new.py'), [{ path: 'src/pkg/new.py', kind: 'add' }]);
  });

  test(`paths ${paths[0]} sees a file written at once into a new subdirectory`, async (t) => {
    const w = await watching({ paths }, tree);
    t.after(w.close);
    writeFileSync(join(w.root, outside), 'changed');
    // mkdir -p && write, as git checkout or unzip do: no pause for the watcher to catch up.
    mkdirSync(join(w.root, 'src/fresh/deep'), { recursive: true });
    writeFileSync(join(w.root, 'src/fresh/deep/new.py'), '');
    const seen: FileChange[] = [];
    // The new directories may be read in more than one burst; none may hold anything else.
    while (!seen.some((c) => c.path === 'src/fresh/deep/new.py')) seen.push(...(await w.next('src/fresh/deep/new.py')));
    assert.deepEqual(seen, [{ path: 'src/fresh/deep/new.py', kind: 'add' }]);
  });
}

test('ignore patterns hold inside a directory-shaped path', async (t) => {
  const w = await watching({ paths: ['src'], ignore: ['**/__pycache__/**'] }, tree);
  t.after(w.close);
  mkdirSync(join(w.root, 'src/__pycache__'));
  writeFileSync(join(w.root, 'src/__pycache__/app.cpython-312.pyc'), '');
  writeFileSync(join(w.root, 'src/app.py'), 'v1');
  assert.deepEqual(await w.next('the change of src/app.py'), [{ path: 'src/app.py', kind: 'change' }]);
});

test('directory forms stand for everything below; plain names still match themselves', () => {
  assert.deepEqual(expandWatchPaths(['src', 'src/', './lib', 'src/**/*.py', '.']), ['src', 'src/**', 'src/**', 'lib', 'lib/**', 'src/**/*.py', '**']);
});

test('a removed watched directory is reported once with its code, and the watcher sees it again when it is back', async (t) => {
  const w = await watching({ paths: ['src'] }, tree);
  t.after(w.close);
  rmSync(join(w.root, 'src'), { recursive: true });
  const gone = await w.nextFailure('the report of src removed');
  assert.equal(gone.code, 'PIT_E_WATCH_GONE');
  assert.match(gone.message, /watcher w: the directory src was removed/);
  mkdirSync(join(w.root, 'src'));
  writeFileSync(join(w.root, 'src/back.py'), '');
  const seen: FileChange[] = [];
  while (!seen.some((c) => c.path === 'src/back.py')) seen.push(...(await w.next('src/back.py')));
  assert.ok(seen.some((c) => c.path === 'src/back.py' && c.kind === 'add'));
  assert.equal(w.failures.length, 0, 'nothing else was reported');
});

test('watch failures are coded, and each kind is reported once', () => {
  // Node's own texts for these failures (fs.watch on Linux).
  const fail = (code: string, message: string, path?: string) => Object.assign(new Error(message), { code, path }) as NodeJS.ErrnoException;
  const rel = (abs: string) => abs.replace('/p/', '');
  const reported: PitError[] = [];
  const report = reportOnce((e) => reported.push(e));
  for (const dir of ['/p/a', '/p/b', '/p/c']) report(describeWatchError('code', fail('ENOSPC', `ENOSPC: System limit for number of file watchers reached, watch '${dir}'`, dir), rel));
  report(describeWatchError('code', fail('EMFILE', 'EMFILE: too many open files, watch', '/p/d'), rel));
  report(describeWatchError('code', fail('EACCES', "EACCES: permission denied, scandir '/p/secret'", '/p/secret'), rel));
  assert.deepEqual(
    reported.map((e) => e.code),
    ['PIT_E_WATCH_LIMIT', 'PIT_E_WATCH_FILES', 'PIT_E_WATCH_FAILED'],
  );
  assert.match(reported[0].fix!, /max_user_watches/);
  assert.match(reported[2].message, /cannot watch secret: EACCES/);
});
