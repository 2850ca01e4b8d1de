// A file watcher whose glob matches 100,000 files (100 directories of
// 1,000): time until it watches, the memory it costs, and the time from a
// write to the event. node bench/watch-many.mjs   (FILES=100000)
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { watchFiles } from '../dist/core/watchers/file-watcher.js';
import { fmt } from './lib/stats.mjs';

const FILES = Number(process.env.FILES ?? 100_000);
const root = mkdtempSync(join(tmpdir(), 'pit-bench-watch-'));
try {
  for (let d = 0; d < FILES / 1000; d++) {
    mkdirSync(join(root, 'src', `d${d}`), { recursive: true });
    for (let f = 0; f < 1000; f++) writeFileSync(join(root, 'src', `d${d}`, `f${f}.py`), '');
  }
  const rss0 = process.memoryUsage().rss;
  const started = performance.now();
  let wrote = 0;
  const seen = new Promise((resolve) => {
    const h = watchFiles(
      { kind: 'file', name: 'w', paths: ['src/**/*.py'], ignore: [], root, events: ['add', 'change', 'unlink'], debounceMs: 0 },
      join(root, '.pit'),
      () => resolve(h),
    );
    h.ready.then(async () => {
      const readyMs = performance.now() - started;
      const rss = process.memoryUsage().rss - rss0;
      await new Promise((r) => setTimeout(r, Number(process.env.SETTLE_MS ?? 0)));
      wrote = performance.now();
      writeFileSync(join(root, 'src', 'd0', 'f500.py'), 'x');
      seen.then(async (handle) => {
        console.log(`watch-many     pit ${FILES} files: watching in ${fmt(readyMs, 0)}ms, +${fmt(rss / 2 ** 20)}MiB, write to event ${fmt(performance.now() - wrote, 1)}ms`);
        await handle.close();
      });
    });
  });
  await seen;
} finally {
  rmSync(root, { recursive: true, force: true });
}
