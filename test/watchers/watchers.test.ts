import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { armWatchers } from '../../core/watchers/watchers.js';
import { EventBus } from '../../core/events/bus.js';
import { loadPitfile } from '../../core/config/load.js';
import { makeProject } from '../helpers/project.js';

test('a watch failure becomes an engine:<watcher>:watch-error event and a note with its code', async (t) => {
  const dir = makeProject({
    'pitfile.yaml': 'version: 1\nprocesses: {}\nwatchers:\n  code: { paths: [src] }\n',
    'src/app.py': '',
  });
  const { pitfile } = await loadPitfile({ cwd: dir });
  const bus = new EventBus();
  const notes: string[] = [];
  const failed = bus.next('engine:code:watch-error', { withinMs: 10_000 });
  const close = await armWatchers(pitfile, bus, (text) => notes.push(text));
  t.after(close);
  rmSync(join(dir, 'src'), { recursive: true });
  const e = await failed;
  assert.ok(e.type === 'engine:watch-error');
  assert.equal(e.code, 'PIT_E_WATCH_GONE');
  assert.equal(e.watcher, 'code');
  assert.deepEqual(notes, [`${e.message} [PIT_E_WATCH_GONE]; fix: ${e.fix}`]);
});
