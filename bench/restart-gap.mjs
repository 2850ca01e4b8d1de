// Restart latency: a child that exits at once, restarted with zero delay.
// Gap between consecutive starts, as stamped by the children themselves.
// node bench/restart-gap.mjs        (N=200 restarts; supervisord capped at 20 s)
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compare } from './lib/harness.mjs';
import { compile } from './lib/native.mjs';
import { percentile, fmt } from './lib/stats.mjs';

const N = Number(process.env.N ?? 200);
const starts = (f) => (existsSync(f) ? readFileSync(f, 'utf8').trim().split('\n').filter(Boolean).map(Number) : []);

await compare('restart-gap', async (tool, dir, marker) => {
  const file = join(dir, 'starts.txt');
  const stamp = compile('stamp', dir);
  const argv = stamp ? [stamp, file] : ['/bin/sh', '-c', `date +%s%N >> ${file}`];
  const h = await tool.start(dir, [{ name: 'blink', argv, env: { PIT_BENCH: marker }, restart: true, stopTimeoutS: 2 }]);
  try {
    const end = Date.now() + 20_000;
    while (starts(file).length < N + 1 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    await h.stop();
  } finally {
    await h.cleanup();
  }
  const s = starts(file).slice(0, N + 1);
  const gaps = s.slice(1).map((t, i) => (t - s[i]) / 1e6);
  return `median ${fmt(percentile(gaps, 50), 2)}ms p90 ${fmt(percentile(gaps, 90), 2)}ms (n=${gaps.length})`;
});
