// The one timer the engine's periodic work runs on (the escapee tracker's
// look, plugin ticks). Each wakeup of an idle engine costs CPU whatever runs
// in it, so jobs are aligned to wake the loop together: a job of period P
// runs at multiples of P on one shared clock (a 5 s and a 30 s job meet
// every 30 s), and a wakeup also runs any job due within a tenth of its
// period (5 s and 7 s jobs share most wakeups), early rather than late.

/** What a job may be early by, as a share of its period, to share a wakeup. */
export const EARLY_SHARE = 0.1;

/** Where the timer reads the time and arms its one timeout (a test passes its own). */
export interface Clock {
  now(): number;
  setTimer(fn: () => void, ms: number, keepsAlive: boolean): unknown;
  clearTimer(handle: unknown): void;
}

const realClock: Clock = {
  now: () => performance.now(),
  setTimer: (fn, ms, keepsAlive) => {
    const t = setTimeout(fn, ms);
    if (!keepsAlive) t.unref();
    return t;
  },
  clearTimer: (t) => clearTimeout(t as NodeJS.Timeout),
};

interface Job {
  periodMs: number;
  dueAt: number;
  run: () => void;
  keepsAlive: boolean;
}

export class PeriodicTimer {
  readonly #jobs = new Set<Job>();
  #armed: { at: number; handle: unknown; keepsAlive: boolean } | null = null;

  constructor(private readonly clock: Clock = realClock) {}

  /**
   * Run `run` every `periodMs`, first between half a period and a period
   * and a half from now (at the next aligned time); returns its stop. A job
   * that keeps the process alive (`keepsAlive`, the default) holds the timer
   * referenced; the escapee tracker's does not.
   */
  every(periodMs: number, run: () => void, opts: { keepsAlive?: boolean } = {}): () => void {
    const job: Job = { periodMs, run, keepsAlive: opts.keepsAlive ?? true, dueAt: this.#alignedAfter(this.clock.now() + periodMs / 2, periodMs) };
    this.#jobs.add(job);
    this.#arm();
    return () => {
      if (!this.#jobs.delete(job)) return;
      this.#arm();
    };
  }

  /** The first multiple of `periodMs` at or after `t`. */
  #alignedAfter(t: number, periodMs: number): number {
    return Math.ceil(t / periodMs) * periodMs;
  }

  /** One timeout, for the earliest due job; re-armed only when that changes. */
  #arm(): void {
    let at = Infinity;
    let keepsAlive = false;
    for (const j of this.#jobs) {
      at = Math.min(at, j.dueAt);
      keepsAlive ||= j.keepsAlive;
    }
    if (this.#armed && this.#armed.at === at && this.#armed.keepsAlive === keepsAlive) return;
    if (this.#armed) this.clock.clearTimer(this.#armed.handle);
    this.#armed = null;
    if (at === Infinity) return;
    const handle = this.clock.setTimer(() => this.#wake(), Math.max(0, at - this.clock.now()), keepsAlive);
    this.#armed = { at, handle, keepsAlive };
  }

  #wake(): void {
    this.#armed = null;
    const now = this.clock.now();
    for (const j of [...this.#jobs]) {
      if (!this.#jobs.has(j) || j.dueAt - now > j.periodMs * EARLY_SHARE) continue; // stopped by a job before it, or not due
      // The next aligned time after this run; a loop held up for periods does not catch up in a burst.
      j.dueAt = this.#alignedAfter(Math.max(j.dueAt, now) + j.periodMs / 2, j.periodMs);
      try {
        j.run();
      } catch {
        // A job's own failure is its to report; the others still run.
      }
    }
    this.#arm();
  }
}

/** The engine's one periodic timer. */
export const periodicTimer = new PeriodicTimer();
