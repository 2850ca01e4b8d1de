// Footprint: the supervisor's RSS and threads with 10, 100 and 1,000 idle
// children (PM2: its daemon), and what each additional child costs (the
// slope between 100 and 1,000, in KiB). Measured SETTLE_S after all are up.
// node bench/footprint.mjs   (COUNTS=10,100,1000 SETTLE_S=3; PIT_YAML='heartbeat: false'
// adds a line to Pit's pitfile, e.g. to measure without the plugin worker)
import { compare } from './lib/harness.mjs';
import { pidsWithMarker, rssBytes, threadCount, until } from './lib/procs.mjs';
import { fmt } from './lib/stats.mjs';

const COUNTS = (process.env.COUNTS ?? '10,100,1000').split(',').map(Number);
const SETTLE_S = Number(process.env.SETTLE_S ?? 3);
/** tool → count → RSS bytes, for the slope. */
const rss = new Map();

for (const count of COUNTS) {
  await compare(`footprint-${count}`, async (tool, dir, marker) => {
    const h = await tool.start(dir, [{ name: 'idle', argv: ['sleep', '100000'], env: { PIT_BENCH: marker }, restart: true, count, stopTimeoutS: 2 }], process.env.PIT_YAML ?? '');
    try {
      await until(() => pidsWithMarker(marker).length >= count, 300_000, `${count} children`, 20);
      await new Promise((r) => setTimeout(r, SETTLE_S * 1000)); // start-up garbage collected
      const bytes = h.pids().reduce((sum, pid) => sum + rssBytes(pid), 0);
      const threads = h.pids().reduce((sum, pid) => sum + threadCount(pid), 0);
      if (!rss.has(tool.name)) rss.set(tool.name, new Map());
      rss.get(tool.name).set(count, bytes);
      await h.stop();
      return `rss ${fmt(bytes / 2 ** 20)}MiB threads ${threads}`;
    } finally {
      await h.cleanup();
    }
  });
}

const [low, high] = [100, 1000];
if (COUNTS.includes(low) && COUNTS.includes(high)) {
  const parts = [...rss].map(([tool, by]) =>
    by.has(low) && by.has(high) ? `${tool} ${fmt((by.get(high) - by.get(low)) / (high - low) / 1024, 0)}KiB per child` : `${tool} n/a`,
  );
  console.log(`${'footprint-slope'.padEnd(15)} ${parts.join(' | ')}`);
}
