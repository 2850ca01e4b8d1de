// One check followed over one run of a process. A log check listens to the
// run's output lines until one matches (it has nothing to probe); the
// others are probed on a timer. What the results mean (healthy, started,
// a failure that counts) is health.ts's business.
import type { HealthCheck } from '../model/pitfile.js';
import { compileLinePattern } from '../logs/line-pattern.js';
import { describePass, probe } from './probes.js';

export type OutputStream = 'stdout' | 'stderr';

/** Subscribes `handler` to the run's output lines (without their newline); returns an unsubscribe. */
export type LineSource = (handler: (line: string, stream: OutputStream) => void) => () => void;

export interface CheckContext {
  cwd: string;
  env: NodeJS.ProcessEnv;
  lines: LineSource;
}

export interface CheckResults {
  pass(reason: string): void;
  fail(reason: string): void;
}

export interface CheckTiming {
  intervalMs: number;
  timeoutMs: number;
}

export interface CheckOptions {
  /** Stop at the first pass (a startup check, a log check). */
  once: boolean;
  /** Asked before each wait: true probes every 250 ms at most instead of every interval. */
  fast: () => boolean;
}

/** How quick a fast cadence is: a dependent waiting for "healthy" should not wait a whole interval. */
const FAST_MS = 250;

/** Follow `check` until the returned stop is called. */
export function watchCheck(check: HealthCheck, timing: CheckTiming, ctx: CheckContext, on: CheckResults, opts: CheckOptions): () => void {
  if (check.kind === 'log') return watchLog(check.pattern, ctx.lines, on);
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = async () => {
    const why = await probe(check, { cwd: ctx.cwd, env: ctx.env, timeoutMs: timing.timeoutMs });
    if (stopped) return;
    if (why === null) {
      on.pass(describePass(check));
      if (opts.once) return;
    } else on.fail(why);
    // A result may have stopped it (a restart).
    if (stopped) return;
    timer = setTimeout(tick, opts.fast() ? Math.min(timing.intervalMs, FAST_MS) : timing.intervalMs);
  };
  timer = setTimeout(tick, 0);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

/**
 * Passes at the first line `pattern` matches, then stops listening: a
 * process that floods its output costs the match only until it is ready,
 * and never more than the line at hand (nothing is kept between lines; a
 * line written in several pieces arrives whole from the line splitter).
 */
function watchLog(pattern: string, lines: LineSource, on: CheckResults): () => void {
  const re = compileLinePattern(pattern);
  let done = false;
  const off = lines((line, stream) => {
    if (done || !re.test(line)) return;
    done = true;
    off();
    on.pass(`${stream} line matched ${JSON.stringify(pattern)}: ${shown(line)}`);
  });
  return () => {
    done = true;
    off();
  };
}

/** The matching line for a reason: it is the child's text, so quoted (control characters escaped) and short. */
function shown(line: string): string {
  return JSON.stringify(line.length > 200 ? `${line.slice(0, 200)}…` : line);
}
