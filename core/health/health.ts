// A process's health over time: probes every interval once its start period
// is over, and turns results into verdicts. Failures during the start period
// do not count, a success there already makes the process healthy (as in
// Docker's HEALTHCHECK).
import type { HealthConfig } from '../model/pitfile.js';
import { probe, type ProbeContext } from './probes.js';

export interface HealthVerdicts {
  healthy(): void;
  unhealthy(failures: number, reason: string): void;
}

/** Probe `cfg` until stopped; calls `on` on each change of verdict. */
export function watchHealth(cfg: HealthConfig, ctx: Omit<ProbeContext, 'timeoutMs'>, on: HealthVerdicts): () => void {
  const startedAt = Date.now();
  let failures = 0;
  let lastFailureAt = -Infinity;
  let verdict: 'unknown' | 'healthy' | 'unhealthy' = 'unknown';
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const tick = async () => {
    const why = await probe(cfg.check, { ...ctx, timeoutMs: cfg.timeoutMs });
    if (stopped) return;
    if (why === null) {
      failures = 0;
      if (verdict !== 'healthy') {
        verdict = 'healthy';
        on.healthy();
      }
    } else if (Date.now() - startedAt >= cfg.startPeriodMs && Date.now() - lastFailureAt >= cfg.intervalMs) {
      // Probing fast before the first verdict must not fail a slow starter
      // sooner: at most one failure counts per interval.
      lastFailureAt = Date.now();
      failures++;
      if (failures >= cfg.failures && verdict !== 'unhealthy') {
        verdict = 'unhealthy';
        on.unhealthy(failures, why);
      }
    }
    timer = setTimeout(tick, verdict === 'unknown' ? Math.min(cfg.intervalMs, 250) : cfg.intervalMs);
  };
  // Until the first verdict, probe often: a dependent waiting for "healthy"
  // should not wait a whole interval for a server that is already up.
  timer = setTimeout(tick, 0);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
