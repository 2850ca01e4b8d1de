// process-monitor: CPU and memory of each process's whole group every
// interval, as process:<name>:stats; a limit held for its duration gives
// process:<name>:limit and, if the pitfile says so, a restart or a stop.
// The engine loads it when some process has limits.
import { cpuPercent as cpuPercentOf, definePlugin, readGroupUsage, type PitEvent } from '../../core/index.js';

interface Limits {
  memoryBytes: number | null;
  cpuPercent: number | null;
  forMs: number;
  action: 'restart' | 'stop' | 'none';
}

interface Options {
  intervalMs: number;
  limits: Record<string, Limits>;
}

interface Tracked {
  pid: number;
  lastTicks: number | null;
  lastAt: number;
  overSince: number | null;
}

const tracked = new Map<string, Tracked>();

export default definePlugin<Options>({
  name: 'process-monitor',
  options: {
    type: 'object',
    properties: { intervalMs: { type: 'integer', minimum: 10, default: 5000 }, limits: { type: 'object', default: {} } },
    additionalProperties: false,
  },
  activate(pitfile) {
    const limits = Object.fromEntries(Object.values(pitfile.processes).flatMap((p) => (p.limits ? [[p.name, p.limits]] : [])));
    // Sampling costs (0.35% of a core for 100 groups at 5 s): only when a limit needs it.
    return Object.keys(limits).length ? { intervalMs: pitfile.settings.monitorIntervalMs, limits } : null;
  },
  on: ['process:*:state'],
  tickMs: (o) => o.intervalMs ?? 5000,
  onEvent(events: PitEvent[]) {
    for (const e of events) {
      if (e.type !== 'process:state') continue;
      if (e.to === 'running' && e.pid) tracked.set(e.process, { pid: e.pid, lastTicks: null, lastAt: 0, overSince: null });
      else if (e.to !== 'starting') tracked.delete(e.process);
    }
  },
  onTick(ctx) {
    const usage = readGroupUsage(new Set([...tracked.values()].map((t) => t.pid)));
    const now = Date.now();
    for (const [name, t] of tracked) {
      const u = usage.get(t.pid);
      if (!u) continue;
      const cpuPercent = t.lastTicks === null ? null : cpuPercentOf({ ticks: t.lastTicks, atMs: t.lastAt }, { ticks: u.cpuTicks, atMs: now });
      t.lastTicks = u.cpuTicks;
      t.lastAt = now;
      ctx.emit(`process:${name}:stats`, { cpu_percent: cpuPercent, rss_bytes: u.rssBytes, processes: u.members });
      const limit = ctx.options.limits[name];
      if (!limit || cpuPercent === null) continue;
      const over =
        limit.memoryBytes !== null && u.rssBytes > limit.memoryBytes
          ? { kind: 'memory' as const, value: u.rssBytes, limit: limit.memoryBytes }
          : limit.cpuPercent !== null && cpuPercent > limit.cpuPercent
            ? { kind: 'cpu' as const, value: cpuPercent, limit: limit.cpuPercent }
            : null;
      if (!over) {
        t.overSince = null;
        continue;
      }
      t.overSince ??= now;
      if (now - t.overSince < limit.forMs) continue;
      t.overSince = null;
      const reason = describeLimit(over, limit.forMs);
      ctx.emit(`process:${name}:limit`, { ...over, for_ms: limit.forMs, action: limit.action, reason });
      if (limit.action !== 'none') ctx.request(limit.action, name, reason);
    }
  },
});

/** "memory 354 MiB > 200 MiB for 10 s", "cpu 93 % > 80 % for 30 s": the measurement a restart names. */
function describeLimit(over: { kind: string; value: number; limit: number }, forMs: number): string {
  const amount = (n: number) => (over.kind === 'memory' ? `${Math.round(n / 1048576)} MiB` : `${Math.round(n)} %`);
  return `${over.kind} ${amount(over.value)} > ${amount(over.limit)} for ${+(forMs / 1000).toFixed(1)} s`;
}
