// /metrics in the Prometheus text format (prom-client, on a registry of its
// own): per process up, state, restarts, CPU, memory and heals, read at each
// scrape; events counted by type as they pass; the engine's uptime and heap.
// prom-client loads at the first scrape: an engine nobody scrapes saves its
// load time and memory. Names follow Prometheus' conventions, checked by
// `promtool check metrics` in a test: base units (_seconds, _bytes, a
// ratio for CPU), _total on counters and only there (docs/metrics.md).
import type { Registry } from 'prom-client';
import type { EventBus } from '../events/bus.js';
import { eventName } from '../events/catalog.js';
import type { ProcessState } from '../events/catalog.js';
import type { ProcessView } from '../control/process-view.js';

const STATES: ProcessState[] = ['waiting', 'stopped', 'starting', 'running', 'stopping', 'exited', 'backoff', 'fatal'];

export interface EngineMetrics {
  /** What a scrape gets. */
  scrape(): Promise<{ text: string; contentType: string }>;
  close(): void;
}

export function engineMetrics(bus: EventBus, processes: () => ProcessView[], startedAt: number): EngineMetrics {
  const counts = new Map<string, number>();
  // Passive: counting must not make the engine publish every output line.
  const off = bus.on('*:*', (e) => {
    const parts = eventName(e).split(':');
    const type = parts.length === 3 ? `${parts[0]}:${parts[2]}` : parts.join(':');
    counts.set(type, (counts.get(type) ?? 0) + 1);
  }, { passive: true });
  let registry: Promise<Registry> | null = null;
  // One look per scrape: each look restarts the CPU measurement, so a look per metric read ~0 CPU.
  let snapshot: ProcessView[] = [];
  return {
    async scrape() {
      const r = await (registry ??= buildRegistry(counts, () => snapshot, startedAt));
      snapshot = processes();
      return { text: await r.metrics(), contentType: r.contentType };
    },
    close: off,
  };
}

async function buildRegistry(counts: ReadonlyMap<string, number>, processes: () => ProcessView[], startedAt: number): Promise<Registry> {
  const { Counter, Gauge, Registry, collectDefaultMetrics } = await import('prom-client');
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'pit_engine_' });
  // prom-client's gauges named *_total break the convention (promtool says so); the
  // per-type gauges beside them (pit_engine_nodejs_active_handles…) sum to the same.
  for (const n of ['active_handles_total', 'active_requests_total', 'active_resources_total']) registry.removeSingleMetric(`pit_engine_nodejs_${n}`);
  /** A value per process, read at each scrape: a gauge, or a counter for what only grows while the engine runs. */
  const perProcess = (name: string, help: string, value: (p: ProcessView) => number | null, kind: 'gauge' | 'counter' = 'gauge') => {
    const each = (put: (labels: { process: string }, v: number) => void) => {
      for (const p of processes()) {
        const v = value(p);
        if (v !== null) put({ process: p.name }, v);
      }
    };
    if (kind === 'counter') {
      return new Counter({ name, help, labelNames: ['process'], registers: [registry], collect() { this.reset(); each((l, v) => this.inc(l, v)); } });
    }
    return new Gauge({ name, help, labelNames: ['process'], registers: [registry], collect() { this.reset(); each((l, v) => this.set(l, v)); } });
  };
  perProcess('pit_process_up', '1 when the process is running', (p) => (p.state === 'running' ? 1 : 0));
  perProcess('pit_process_restarts_total', 'Restarts since the engine started', (p) => p.restarts, 'counter');
  perProcess('pit_process_cpu_ratio', 'CPU of the process group in cores (1.5 is one and a half), since the previous look', (p) => (p.cpu === null ? null : p.cpu / 100));
  perProcess('pit_process_memory_bytes', 'Resident memory of the process group in bytes', (p) => p.memory_bytes);
  perProcess('pit_process_heals_total', 'Missing modules installed for the process by the self-healing installer', (p) => p.heals, 'counter');
  new Gauge({
    name: 'pit_process_state',
    help: 'The process state: 1 for the one it is in',
    labelNames: ['process', 'state'],
    registers: [registry],
    collect() {
      this.reset();
      for (const p of processes()) for (const s of STATES) this.set({ process: p.name, state: s }, p.state === s ? 1 : 0);
    },
  });
  new Gauge({ name: 'pit_engine_uptime_seconds', help: 'Seconds since the engine started', registers: [registry], collect() { this.set((Date.now() - startedAt) / 1000); } });
  new Counter({
    name: 'pit_events_total',
    help: 'Events published, by type (kind:what)',
    labelNames: ['type'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [type, n] of counts) this.inc({ type }, n);
    },
  });
  return registry;
}
