// The one-line verdict monitors read (Nagios plugin conventions): exit 0 OK,
// 1 WARNING, 2 CRITICAL, 3 UNKNOWN, and a line such as
//   OK - 5/5 running, last heartbeat 3s ago
// Drawn from the running engine, or from its heartbeat file when the
// socket is gone.
import type { ProcessState } from '../events/catalog.js';

export const healthCodes = { OK: 0, WARNING: 1, CRITICAL: 2, UNKNOWN: 3 } as const;
export type HealthStatus = keyof typeof healthCodes;

export interface HealthInput {
  processes: { name: string; state: ProcessState; healthy?: boolean | null; last_exit_code?: number | null; expected: boolean; waiting_for?: string | null }[];
  /** Age of the last heartbeat and the interval it is written at; null when there is no heartbeat. */
  heartbeat: { ageMs: number | null; intervalMs: number } | null;
  /** Where the facts came from, when not from a running engine ("heartbeat file"). */
  source?: string;
}

export interface HealthVerdict {
  status: HealthStatus;
  code: number;
  line: string;
}

/** The verdict: CRITICAL beats WARNING beats OK; every reason is named. */
export function engineHealth(input: HealthInput): HealthVerdict {
  const critical: string[] = [];
  const warning: string[] = [];
  const expected = input.processes.filter((p) => p.expected);
  const running = expected.filter((p) => p.state === 'running');
  // Held back by depends_on is no fault: named, not counted against it.
  const waiting = input.processes.filter((p) => p.state === 'waiting').map((p) => (p.waiting_for ? `${p.name} for ${p.waiting_for}` : p.name));
  for (const p of input.processes) {
    if (p.state === 'fatal') critical.push(`${p.name} fatal`);
    else if (p.state === 'backoff') warning.push(`${p.name} in backoff`);
    else if (p.state === 'running' && p.healthy === false) warning.push(`${p.name} unhealthy`);
    else if (p.state === 'exited' && p.expected) warning.push(`${p.name} exited${p.last_exit_code != null ? ` (code ${p.last_exit_code})` : ''}`);
  }
  let beat = '';
  if (input.heartbeat) {
    const { ageMs, intervalMs } = input.heartbeat;
    if (ageMs === null) critical.push('no heartbeat');
    else {
      beat = `, last heartbeat ${Math.round(ageMs / 1000)}s ago`;
      if (ageMs > 2 * intervalMs) critical.push(`heartbeat older than ${Math.round((2 * intervalMs) / 1000)}s`);
      else if (ageMs > intervalMs) warning.push(`heartbeat older than ${Math.round(intervalMs / 1000)}s`);
    }
  }
  const status: HealthStatus = critical.length ? 'CRITICAL' : warning.length ? 'WARNING' : 'OK';
  const why = [...critical, ...warning];
  const from = input.source ? ` (from the ${input.source})` : '';
  const held = waiting.length ? `, ${waiting.length} waiting (${waiting.join(', ')})` : '';
  const line = `${status} - ${running.length}/${expected.length} running${held}${beat}${why.length ? `; ${why.join(', ')}` : ''}${from}`;
  return { status, code: healthCodes[status], line };
}
