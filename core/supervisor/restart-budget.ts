// How soon to restart and when to give up: the delay doubles from `delayMs`
// to `maxDelayMs` and resets after `minUptimeMs` of uptime; more than
// `maxRestarts` restarts within `windowMs` spends the budget.
import type { RestartConfig } from '../model/pitfile.js';
import { formatDuration } from '../model/units.js';

/** Restart after `delayMs`, or give up, saying why and what to do. */
export type RestartDecision = { restart: true; delayMs: number } | { restart: false; reason: string };

export class RestartBudget {
  #restarts: number[] = [];
  #streak = 0;

  constructor(private readonly cfg: RestartConfig) {}

  /** Called when the process exits after `uptimeMs` up; a long run forgives earlier crashes. */
  noteExit(uptimeMs: number): void {
    if (uptimeMs >= this.cfg.minUptimeMs) this.#streak = 0;
  }

  /**
   * Restart or give up, the one decision for a crash and for an automatic
   * restart (a limit hit): a restart is spent from the budget; giving up
   * names the budget, `process`, and `last`, what caused this one.
   */
  decide(now: number, process: string, last: string): RestartDecision {
    if (!this.isSpent(now)) return { restart: true, delayMs: this.takeDelay(now) };
    const { maxRestarts, windowMs } = this.cfg;
    return {
      restart: false,
      reason:
        `gave up after ${maxRestarts} restarts within ${formatDuration(windowMs)} (restart.max_restarts: ${maxRestarts}); ` +
        `last: ${last}. Fix the cause, then run "engine restart ${process}" (or edit the pitfile to reload)`,
    };
  }

  /** Whether one more restart now would exceed the budget. */
  isSpent(now: number): boolean {
    this.#restarts = this.#restarts.filter((t) => now - t < this.cfg.windowMs);
    return this.#restarts.length >= this.cfg.maxRestarts;
  }

  /** Record a restart at `now` and return how long to wait before it. */
  takeDelay(now: number): number {
    this.#restarts.push(now);
    const delay = Math.min(this.cfg.delayMs * 2 ** this.#streak, this.cfg.maxDelayMs);
    this.#streak++;
    return delay;
  }

  /** A person asked for a start: begin again with a full budget. */
  reset(): void {
    this.#restarts = [];
    this.#streak = 0;
  }
}
