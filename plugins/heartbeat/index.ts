// heartbeat: the engine's pulse in a JSON file, rewritten every interval,
// with each process's state, pid and restarts, for monitors that cannot ask
// the engine (engine health reads it when the engine does not answer).
import { definePlugin, type PitEvent } from '../../core/index.js';
import { writeBeat, type Beat } from './beat-file.js';

interface Options {
  file: string;
  intervalMs: number;
}

const processes: Beat['processes'] = {};
const startedAt = Date.now();
function beat(file: string): void {
  writeBeat(file, {
    timestamp: new Date().toISOString(),
    pid: process.pid,
    uptime_seconds: Math.round((Date.now() - startedAt) / 1000),
    processes,
  });
}

export default definePlugin<Options>({
  name: 'heartbeat',
  options: {
    type: 'object',
    required: ['file'],
    properties: { file: { type: 'string' }, intervalMs: { type: 'integer', minimum: 10, default: 30_000 } },
    additionalProperties: false,
  },
  on: ['process:*:state'],
  tickMs: (o) => o.intervalMs ?? 30_000,
  onEvent(events: PitEvent[], ctx) {
    for (const e of events) {
      if (e.type !== 'process:state') continue;
      const p = (processes[e.process] ??= { state: e.to, pid: e.pid, restarts: 0 });
      if (e.to === 'backoff') p.restarts++;
      p.state = e.to;
      p.pid = e.to === 'running' || e.to === 'starting' ? e.pid : null;
    }
    // Each batch of state changes is written at once, so the file never shows
    // a stale picture for a whole interval. (No timer to throttle it: an idle
    // pool worker waits in Atomics.wait, and its timers do not fire.) Events
    // come one batch per engine tick, so a flapping process costs one small
    // write per tick, in this thread.
    if (events.some((e) => e.type === 'process:state')) beat(ctx.options.file);
  },
  onTick(ctx) {
    beat(ctx.options.file);
  },
});
