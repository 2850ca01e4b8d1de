import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, renameSync, watch, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { LAYER_LOOK_MS, QUIET_MS, watchConfig, type Watch } from '../../core/config/watch.js';
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

/** fs.watch, with every event that reaches the engine written down by the path watched. */
function countingWatch(reached: string[]): Watch {
  return (path, listener) => watch(path, (event, name) => {
    reached.push(path);
    listener(event, name);
  });
}

/** Resolves on the next report of a watch made with `onReport`. */
function reports() {
  const waiting: (() => void)[] = [];
  let count = 0;
  return {
    onReport: () => {
      count++;
      waiting.splice(0).forEach((r) => r());
    },
    get count() {
      return count;
    },
    next: (what: string, ms = 5000) => within(new Promise<void>((r) => waiting.push(r)), ms, what),
  };
}

test('a write to another file in the pitfile\'s folder reaches no watch of the engine; a write to the pitfile does', async () => {
  const dir = makeProject({ 'pitfile.yaml': 'version: 1\n' });
  const file = join(dir, 'pitfile.yaml');
  const reached: string[] = [];
  const r = reports();
  const stop = watchConfig(file, r.onReport, QUIET_MS, countingWatch(reached));
  try {
    for (let i = 0; i < 20; i++) appendFileSync(join(dir, 'app.log'), `line ${i}\n`);
    writeFileSync(join(dir, 'notes.txt'), 'x');
    const changed = r.next('the pitfile change to be reported');
    appendFileSync(file, '# edited\n');
    await changed;
    assert.ok(reached.length > 0 && reached.every((p) => p === file), `reached the engine: ${reached.join(', ')}`);
    assert.equal(r.count, 1);
  } finally {
    stop();
  }
});

test('a pitfile saved by renaming a new file over it, twice, is reported each time, and so is a later write in place', async () => {
  const dir = makeProject({ 'pitfile.yaml': 'version: 1\n' });
  const file = join(dir, 'pitfile.yaml');
  const r = reports();
  const stop = watchConfig(file, r.onReport);
  try {
    for (const text of ['version: 1\n# one\n', 'version: 1\n# two\n']) {
      const saved = r.next(`the save of ${JSON.stringify(text)} to be reported`);
      writeFileSync(join(dir, 'pitfile.tmp'), text);
      renameSync(join(dir, 'pitfile.tmp'), file);
      await saved;
    }
    const edited = r.next('the write in place to be reported');
    appendFileSync(file, '# three\n');
    await edited;
    assert.equal(r.count, 3);
  } finally {
    stop();
  }
});

test('a pitfile moved away and written anew (a backup-by-rename editor) is reported, and the new file is watched', async () => {
  const dir = makeProject({ 'pitfile.yaml': 'version: 1\n' });
  const file = join(dir, 'pitfile.yaml');
  const r = reports();
  const stop = watchConfig(file, r.onReport);
  try {
    const saved = r.next('the save to be reported');
    renameSync(file, `${file}~`);
    await sleep(QUIET_MS / 3); // the editor writes the new file a moment later (the scenario, not a wait)
    writeFileSync(file, 'version: 1\n# new\n');
    await saved;
    await sleep(QUIET_MS * 2);
    assert.equal(readFileSync(file, 'utf8'), 'version: 1\n# new\n');
    const edited = r.next('a write to the new file to be reported');
    appendFileSync(file, '# more\n');
    await edited;
  } finally {
    stop();
  }
});

test(`a local layer created beside the pitfile is noticed within ${LAYER_LOOK_MS * 1.5} ms, and then watched`, async () => {
  const dir = makeProject({ 'pitfile.yaml': 'version: 1\n' });
  const file = join(dir, 'pitfile.yaml');
  const r = reports();
  const stop = watchConfig(file, r.onReport);
  try {
    const found = r.next('the new layer to be noticed', LAYER_LOOK_MS * 1.5 + 1000);
    writeFileSync(join(dir, 'pitfile.local.yaml'), 'processes: {}\n');
    await found;
    const edited = r.next('a write to the layer to be reported');
    appendFileSync(join(dir, 'pitfile.local.yaml'), '# edited\n');
    await edited;
  } finally {
    stop();
  }
});
