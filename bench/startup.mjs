// Start-up: 100 idle children from launch to all alive, then the
// supervisor's own memory (PM2: its daemon) with them running.
// node bench/startup.mjs
import { compare } from './lib/harness.mjs';
import { pidsWithMarker, rssBytes, until } from './lib/procs.mjs';
import { fmt } from './lib/stats.mjs';

const COUNT = 100;

await compare('startup-100', async (tool, dir, marker) => {
  const started = performance.now();
  const h = await tool.start(dir, [{ name: 'idle', argv: ['sleep', '100000'], env: { PIT_BENCH: marker }, restart: true, count: COUNT, stopTimeoutS: 2 }]);
  try {
    await until(() => pidsWithMarker(marker).length >= COUNT, 60_000, `${COUNT} children`, 2);
    const ms = performance.now() - started;
    await new Promise((r) => setTimeout(r, 1000)); // let start-up garbage settle
    const rss = h.pids().reduce((sum, pid) => sum + rssBytes(pid), 0);
    await h.stop();
    return `${fmt(ms, 0)}ms rss ${fmt(rss / 2 ** 20)}MiB`;
  } finally {
    await h.cleanup();
  }
});
