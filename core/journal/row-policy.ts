// Which events become journal rows. The journal keeps what happened, not
// what was measured or printed: output lines live in the rotated logs, and
// process-monitor's periodic samples (process:<name>:stats, every 5 s for
// every process) feed the live views and /metrics. Written as rows, a
// 20-process project's samples alone would be 2.4 million rows a week and
// push everything else past settings.journal.keep.rows within hours. A
// crossed limit is a row of its own (process:<name>:limit); a person who
// wants the history asks for one sampled row per process with
// settings.journal.stats.
import type { PitEvent } from '../events/catalog.js';

/** Output lines are never rows. */
const LINES = new Set(['process:stdout', 'process:stderr']);

/** Whether `e` is a periodic measurement (a plugin's process:<name>:stats). */
export function isStatsSample(e: PitEvent): boolean {
  return e.type === 'process:stats';
}

/** Decides, per event, whether the journal writes it; `statsEveryMs` null keeps no samples. */
export function createRowPolicy(statsEveryMs: number | null): (e: PitEvent) => boolean {
  const lastSampleAt = new Map<string, number>();
  return (e) => {
    if (LINES.has(e.type)) return false;
    if (!isStatsSample(e)) return true;
    if (statsEveryMs === null) return false;
    const last = lastSampleAt.get(e.subject);
    if (last !== undefined && e.at - last < statsEveryMs && e.at >= last) return false;
    // Subjects are process names; a plugin inventing thousands of them costs a reset, not memory.
    if (lastSampleAt.size >= 10_000) lastSampleAt.clear();
    lastSampleAt.set(e.subject, e.at);
    return true;
  };
}
