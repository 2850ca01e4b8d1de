// process-monitor's cost: the engine's CPU with 100 idle children, sampled
// at the default 5 s, every second, and once an hour (about never).
// node bench/monitor.mjs   (SECONDS_IDLE=20)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pit } from './lib/tools.mjs';
import { cpuTicks, pidsWithMarker, until, TICKS_PER_SECOND } from './lib/procs.mjs';
import { fmt } from './lib/stats.mjs';

const SECONDS = Number(process.env.SECONDS_IDLE ?? 20);

async function engineCpu(interval) {
  const dir = mkdtempSync(join(tmpdir(), 'pit-bench-monitor-'));
  const marker = `monitor-${process.pid}-${interval}`;
  const h = await pit.start(dir, [{ name: 'idle', argv: ['sleep', '100000'], env: { PIT_BENCH: marker }, restart: true, count: 100, stopTimeoutS: 2, pitLimits: '{ memory: 1GB }' }], `settings: { monitor_interval: ${interval} }`);
  try {
    await until(() => pidsWithMarker(marker).length >= 100, 60_000, '100 children');
    await new Promise((r) => setTimeout(r, 2000));
    const [pid] = h.pids();
    const before = cpuTicks(pid);
    await new Promise((r) => setTimeout(r, SECONDS * 1000));
    const used = (cpuTicks(pid) - before) / TICKS_PER_SECOND / SECONDS;
    await h.stop();
    return used * 100;
  } finally {
    await h.cleanup();
    for (const p of pidsWithMarker(marker)) process.kill(p, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

const fast = await engineCpu('1s');
const sampled = await engineCpu('5s');
const idle = await engineCpu('1h');
console.log(`monitor-100     pit engine CPU with 100 groups sampled every 5s (default): ${fmt(sampled, 3)}% of a core, every 1s: ${fmt(fast, 3)}%, never: ${fmt(idle, 3)}%`);
