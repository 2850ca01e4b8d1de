// Idle CPU: the supervisor's own CPU time over 30 s with 100 idle children,
// as a percentage of one core, once start-up has settled (SETTLE_S=15: a
// Node supervisor's heap is still being compacted ~10 s after its start).
// node bench/idle-cpu.mjs   (SECONDS_IDLE=30 SETTLE_S=15)
import { compare } from './lib/harness.mjs';
import { cpuTicks, pidsWithMarker, until, TICKS_PER_SECOND } from './lib/procs.mjs';
import { fmt } from './lib/stats.mjs';

const SECONDS = Number(process.env.SECONDS_IDLE ?? 30);
const SETTLE_S = Number(process.env.SETTLE_S ?? 15);

await compare('idle-cpu-100', async (tool, dir, marker) => {
  const h = await tool.start(dir, [{ name: 'idle', argv: ['sleep', '100000'], env: { PIT_BENCH: marker }, restart: true, count: 100, stopTimeoutS: 2 }]);
  try {
    await until(() => pidsWithMarker(marker).length >= 100, 60_000, '100 children');
    await new Promise((r) => setTimeout(r, SETTLE_S * 1000)); // past start-up work
    const before = h.pids().reduce((s, p) => s + cpuTicks(p), 0);
    await new Promise((r) => setTimeout(r, SECONDS * 1000));
    const after = h.pids().reduce((s, p) => s + cpuTicks(p), 0);
    await h.stop();
    return `${fmt(((after - before) / TICKS_PER_SECOND / SECONDS) * 100, 3)}% of a core`;
  } finally {
    await h.cleanup();
  }
});
