// /v1/health: the engine's verdict over its processes and its heartbeat.
import type { Engine } from '../../engine.js';
import { engineHealth, type HealthVerdict } from '../../health/engine-health.js';
import { beatVerdict } from '../../health/heartbeat-file.js';
import type { Api } from '../http.js';
import type { ProcessView } from '../process-view.js';
import type { ControlDeps } from './deps.js';

export function registerHealthRoutes(app: Api, { engine, views }: ControlDeps): void {
  app.get('/v1/health', async () => healthOf(engine, views.all()));
}

export function healthOf(engine: Engine, processes: ProcessView[]): HealthVerdict {
  const hb = engine.pitfile.heartbeat;
  const beat = hb ? beatVerdict(hb.file, hb.intervalMs) : null;
  return engineHealth({
    processes: processes.map((p) => ({
      name: p.name,
      state: p.state,
      healthy: p.healthy,
      last_exit_code: p.last_exit?.code ?? null,
      expected: isExpected(p),
      waiting_for: p.waiting_for,
    })),
    heartbeat: hb && beat ? { ageMs: beat.ageMs, intervalMs: hb.intervalMs } : null,
  });
}

/** Whether a process ought to be running: not one left stopped on purpose, nor a one-shot that completed. */
export function isExpected(p: { state: string; last_exit?: { code: number | null } | null }): boolean {
  return p.state !== 'stopped' && !(p.state === 'exited' && p.last_exit?.code === 0);
}
