// Cron watchers: one timer to the next occurrence. A timer that fires late
// (the machine slept, the engine was paused) gives one tick for the missed
// time and then schedules from now, so a long pause never makes a storm.
import { CronExpressionParser } from 'cron-parser';
import type { CronWatcherConfig } from '../model/pitfile.js';

export interface CronTick {
  scheduledFor: number;
  lateMs: number;
}

/** Longest delay setTimeout accepts (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Tick `onTick` at every occurrence of `cfg.cron`; returns a stop function. */
export function watchCron(cfg: CronWatcherConfig, onTick: (tick: CronTick) => void): () => void {
  let timer: NodeJS.Timeout | undefined;
  let next = 0;
  let stopped = false;
  const schedule = (from: number) => {
    next = CronExpressionParser.parse(cfg.cron, { currentDate: new Date(from), ...(cfg.timezone ? { tz: cfg.timezone } : {}) })
      .next()
      .getTime();
    arm();
  };
  const arm = () => {
    timer = setTimeout(fire, Math.min(Math.max(0, next - Date.now()), MAX_TIMER_MS));
  };
  const fire = () => {
    const now = Date.now();
    if (now < next) return arm(); // woke early (long delays are chained)
    onTick({ scheduledFor: next, lateMs: now - next });
    // onTick may have stopped the watcher.
    if (!stopped) schedule(now);
  };
  schedule(Date.now());
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
