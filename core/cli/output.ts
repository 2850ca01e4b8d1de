// How the CLI reports outcomes: exit codes shared by every verb, and errors
// printed with their code and fix.
import { formatPitError, PitError, PitfileError } from '../errors.js';

/** Exit codes: 0 ok, 1 failed, 2 bad usage, 3 no engine running (or it stopped mid-request). */
export const exitCodes = { ok: 0, failed: 1, usage: 2, noEngine: 3 } as const;

/** Print an error for a person and return the exit code it deserves. */
export function reportError(e: unknown): number {
  if (e instanceof PitfileError) {
    process.stderr.write(e.errors.map((x) => formatPitError(x)).join('\n\n') + '\n');
    const n = e.errors.length;
    if (n > 1) process.stderr.write(`\n${n} problems\n`);
    return exitCodes.failed;
  }
  if (e instanceof PitError && e.code === 'PIT_E_CONTROL_NO_ENGINE') {
    // Scripts check for this one: one line, its own exit code, and its code like every failure.
    process.stderr.write(`${e.message}; ${e.fix} [${e.code}]\n`);
    return exitCodes.noEngine;
  }
  if (e instanceof PitError && e.code === 'PIT_E_CONTROL_ENGINE_STOPPED') {
    // No engine any more, as far as the script is concerned: the same exit code.
    process.stderr.write(formatPitError(e) + '\n');
    return exitCodes.noEngine;
  }
  if (e instanceof PitError) {
    process.stderr.write(formatPitError(e) + '\n');
    return e.code === 'PIT_E_CLI_USAGE' ? exitCodes.usage : exitCodes.failed;
  }
  // A bug, not bad input: keep the stack, it is what a bug report needs.
  process.stderr.write(`engine: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
  return exitCodes.failed;
}
