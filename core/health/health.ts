// A process's health over one run: follows its checks and turns their
// results into verdicts.
//
// Two ways to spare a slow starter, as the tools people know do them:
// - start_period (Compose, Docker's HEALTHCHECK): failures in that time
//   after the start do not count, and the first pass ends it early;
// - startup (Kubernetes' startupProbe): until the startup check passes (its
//   own, or the health check's first pass), failures do not count at all;
//   not started within its budget, the process is reported unhealthy with
//   why. Kubernetes kills it then; Pit restarts it only with restart: true.
import type { HealthConfig } from '../model/pitfile.js';
import { formatDuration } from '../model/units.js';
import { watchCheck, type CheckContext, type CheckResults } from './check-watch.js';

export type { CheckContext, LineSource, OutputStream } from './check-watch.js';

export interface HealthVerdicts {
  healthy(reason: string): void;
  /** `during`: startup when the startup budget ran out, run for failed probes. */
  unhealthy(failures: number, reason: string, during: 'startup' | 'run'): void;
}

/** Follow `cfg`'s checks until stopped; calls `on` on each change of verdict. */
export function watchHealth(cfg: HealthConfig, ctx: CheckContext, on: HealthVerdicts): () => void {
  const startedAt = Date.now();
  const startup = cfg.startup;
  const stops: (() => void)[] = [];
  let verdict: 'unknown' | 'healthy' | 'unhealthy' = 'unknown';
  let started = startup === null;
  let passedOnce = false;
  /** A log check's match that came before the startup check passed. */
  let earlyPass: string | null = null;
  let failures = 0;
  let lastFailureAt = -Infinity;
  let lastWhy = logCheckOf(cfg) ? `no output line has matched ${JSON.stringify(logCheckOf(cfg))}` : 'no probe has passed yet';

  const healthy = (reason: string) => {
    if (verdict === 'healthy') return;
    verdict = 'healthy';
    on.healthy(reason);
  };
  const unhealthy = (n: number, reason: string, during: 'startup' | 'run') => {
    if (verdict === 'unhealthy') return;
    verdict = 'unhealthy';
    on.unhealthy(n, reason, during);
  };

  const health: CheckResults = {
    pass: (reason) => {
      failures = 0;
      passedOnce = true;
      if (!started && !startup?.check) started = true;
      if (started) healthy(reason);
      else earlyPass = reason;
    },
    fail: (why) => {
      lastWhy = why;
      const now = Date.now();
      if (!started || (!passedOnce && now - startedAt < cfg.startPeriodMs)) return;
      // Probing fast before the first verdict must not fail a process
      // sooner: at most one failure counts per interval.
      if (now - lastFailureAt < cfg.intervalMs) return;
      lastFailureAt = now;
      failures++;
      if (failures >= cfg.failures) unhealthy(failures, why, 'run');
    },
  };
  const watchHealthCheck = () =>
    stops.push(watchCheck(cfg.check, cfg, ctx, health, { once: cfg.check.kind === 'log', fast: () => verdict === 'unknown' }));

  if (startup) {
    const budget = setTimeout(() => {
      if (!started) unhealthy(0, `not started within ${formatDuration(startup.withinMs)} (health.startup.within); last: ${lastWhy}`, 'startup');
    }, startup.withinMs);
    stops.push(() => clearTimeout(budget));
  }
  if (startup?.check) {
    const startupResults: CheckResults = {
      pass: () => {
        started = true;
        // A late start was reported: the health check's verdicts count from here on.
        if (verdict === 'unhealthy') verdict = 'unknown';
        if (cfg.check.kind !== 'log') watchHealthCheck();
        else if (earlyPass) healthy(earlyPass);
      },
      fail: (why) => {
        lastWhy = why;
      },
    };
    stops.push(watchCheck(startup.check, startup, ctx, startupResults, { once: true, fast: () => false }));
    // The log line may come while the startup check still runs: listen from the start.
    if (cfg.check.kind === 'log') watchHealthCheck();
  } else watchHealthCheck();

  return () => {
    for (const stop of stops) stop();
  };
}

/** The pattern of the log check that decides the start, if one does. */
function logCheckOf(cfg: HealthConfig): string | null {
  const check = cfg.startup?.check ?? cfg.check;
  return check.kind === 'log' ? check.pattern : null;
}
