// How soon to restart and when to give up: the delay doubles from `delayMs`
// to `maxDelayMs` and resets after `minUptimeMs` of uptime; more than
// `maxRestarts` restarts within `windowMs` spends the budget.
import type { RestartConfig } from '../model/pitfile.js';

export class RestartBudget {
  #restarts: number[] = [];
  #streak = 0;

  constructor(private readonly cfg: RestartConfig) {}

  /** Called when the process exits after `uptimeMs` up; a long run forgives earlier crashes. */
  noteExit(uptimeMs: number): void {
    if (uptimeMs >= this.cfg.minUptimeMs) this.#streak = 0;
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

  /** Restarts counted in the current window. */
  count(now: number): number {
    return this.#restarts.filter((t) => now - t < this.cfg.windowMs).length;
  }

  /** A person asked for a start: begin again with a full budget. */
  reset(): void {
    this.#restarts = [];
    this.#streak = 0;
  }
}
