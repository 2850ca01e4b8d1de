// engine health: one Nagios-style line and exit code for monitors, from the
// running engine, else from its heartbeat file.
import type { Command } from 'commander';
import { PitError } from '../errors.js';
import { engineHealth, healthCodes, type HealthVerdict } from '../health/engine-health.js';
import type { ProjectEngine } from '../control/client.js';
import type { ProcessState } from '../events/catalog.js';

export function registerHealth(program: Command): void {
  program
    .command('health')
    .summary('one line for monitors (Nagios style): OK, WARNING, CRITICAL or UNKNOWN')
    .addHelpText('after', `
Exit codes: 0 OK, 1 WARNING (a process in backoff or unhealthy, heartbeat older
than its interval), 2 CRITICAL (a process fatal, no engine, heartbeat older than
twice its interval), 3 UNKNOWN (health could not be determined).

Example:
  engine health    # OK - 5/5 running, last heartbeat 3s ago`)
    .action(async (_: unknown, cmd: Command) => {
      const { config } = cmd.optsWithGlobals<{ config?: string }>();
      let verdict: HealthVerdict;
      try {
        const { findProjectEngine } = await import('../control/client.js');
        verdict = await check(await findProjectEngine(config));
      } catch (e) {
        verdict = { status: 'UNKNOWN', code: healthCodes.UNKNOWN, line: `UNKNOWN - ${e instanceof PitError ? e.message : (e as Error).message}` };
      }
      process.stdout.write(verdict.line + '\n');
      process.exitCode = verdict.code;
    });
}

async function check({ client, pitfile }: ProjectEngine): Promise<HealthVerdict> {
  try {
    return await client.call<HealthVerdict>('GET', '/v1/health', undefined, 5000);
  } catch (e) {
    if (!(e instanceof PitError) || !['PIT_E_CONTROL_NO_ENGINE', 'PIT_E_CONTROL_TIMEOUT'].includes(e.code)) throw e;
  }
  // No socket: the heartbeat file is the last word of an engine that may be hung or gone.
  const { beatVerdict } = await import('../health/heartbeat-file.js');
  const { isPidAlive } = await import('../process/proc-stat.js');
  const hb = pitfile?.heartbeat;
  if (!hb) return { status: 'CRITICAL', code: healthCodes.CRITICAL, line: 'CRITICAL - no engine running (and no heartbeat configured)' };
  const { beat, ageMs } = beatVerdict(hb.file, hb.intervalMs);
  if (!beat || !isPidAlive(beat.pid)) return { status: 'CRITICAL', code: healthCodes.CRITICAL, line: 'CRITICAL - no engine running' };
  return engineHealth({
    processes: Object.entries(beat.processes).map(([name, p]) => ({ name, state: p.state as ProcessState, expected: p.state !== 'stopped' && p.state !== 'exited' })),
    heartbeat: { ageMs, intervalMs: hb.intervalMs },
    source: 'heartbeat file: the control socket does not answer',
  });
}
