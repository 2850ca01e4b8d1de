// heartbeat: the engine's pulse in a JSON file, rewritten every interval,
// with each process's state, pid and restarts, for monitors that cannot ask
// the engine (engine health reads it when the engine does not answer).
import { definePlugin, errors, writeBeat, type Beat, type PitEvent, type PluginContext } from '../../core/index.js';

interface Options {
  file: string;
  intervalMs: number;
}

const processes: Beat['processes'] = {};
const startedAt = Date.now();
/** Set while the file cannot be written: said once, tried again at each beat. */
let failing = false;

// A beat that cannot be written (a full disk) is not the plugin failing:
// throwing would get it disabled, and the heartbeat would never come back.
function beat(ctx: PluginContext<Options>): void {
  const { file } = ctx.options;
  try {
    writeBeat(file, {
      timestamp: new Date().toISOString(),
      pid: process.pid,
      uptime_seconds: Math.round((Date.now() - startedAt) / 1000),
      processes,
    });
  } catch (e) {
    if (failing) return;
    failing = true;
    const err = errors.PIT_E_HEARTBEAT_WRITE(file, (e as NodeJS.ErrnoException).code ?? String(e));
    ctx.log(`${err.message} [${err.code}]`);
    ctx.emit('heartbeat:engine:write-error', { code: err.code, message: err.message });
    return;
  }
  if (!failing) return;
  failing = false;
  ctx.log(`${file} is written again`);
  ctx.emit('heartbeat:engine:write-resumed', { file });
}

export default definePlugin<Options>({
  name: 'heartbeat',
  options: {
    type: 'object',
    required: ['file'],
    properties: { file: { type: 'string' }, intervalMs: { type: 'integer', minimum: 10, default: 30_000 } },
    additionalProperties: false,
  },
  // On when the pitfile has a heartbeat: section.
  activate: (pitfile) => (pitfile.heartbeat ? { file: pitfile.heartbeat.file, intervalMs: pitfile.heartbeat.intervalMs } : null),
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
    if (events.some((e) => e.type === 'process:state')) beat(ctx);
  },
  onTick(ctx) {
    beat(ctx);
  },
});
