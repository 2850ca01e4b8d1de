// The heartbeat file: written whole or not at all (temp file + rename), so
// a reader never sees half a beat; and the verdict a monitor draws from it.
// The core owns its format: the heartbeat plugin writes it, `engine health`
// and /v1/health read it.
import { readFileSync, renameSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export interface Beat {
  timestamp: string;
  pid: number;
  uptime_seconds: number;
  processes: Record<string, { state: string; pid: number | null; restarts: number }>;
}

/** Replace `file` with `beat` in one rename; throws (a full disk), leaving no temp file behind. */
export function writeBeat(file: string, beat: Beat): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, JSON.stringify(beat), { mode: 0o644 });
    renameSync(tmp, file);
  } catch (e) {
    // Half a beat would hold space the next one needs.
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** HEALTHY while the last beat is younger than two intervals. */
export function beatVerdict(file: string, intervalMs: number, now = Date.now()): { healthy: boolean; ageMs: number | null; beat: Beat | null } {
  let beat: Beat;
  try {
    beat = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return { healthy: false, ageMs: null, beat: null };
  }
  const ageMs = now - Date.parse(beat.timestamp);
  return { healthy: ageMs < 2 * intervalMs, ageMs, beat };
}
