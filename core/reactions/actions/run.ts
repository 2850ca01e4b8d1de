// run: a one-shot command with its own log (.pit/logs/reaction-<id>.log)
// and its exit recorded as reaction:<id>:run. When it is still running as
// the reaction fires again: queue (wait for it), drop (skip this one), or
// replace (stop it, start the new one).
import type { ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { spawnProcess } from '../../process/spawn.js';
import { stopGroup, killGroup } from '../../process/stop.js';
import { captureOutput } from '../../logs/capture.js';
import { LogFile } from '../../logs/log-file.js';
import { reactionLogPath } from '../../state-dir.js';
import { parseDuration } from '../../model/units.js';
import { fill, fillShell } from '../conditions.js';
import type { ActionHandler, Invocation } from './types.js';
import { withArgs, type RunArgs } from './args.js';
import { reactionReason } from '../../events/cause.js';
import { errors } from '../../errors.js';


interface Slot {
  child: ChildProcess | null;
  exited: Promise<unknown>;
}

// One slot per reaction action: what it is running now.
const slots = new Map<string, Slot>();

export const run: ActionHandler = withArgs('run', async (call, env) => {
  const spec = call.args;
  const key = `${env.pitfile.file}#${call.reaction.id}#${call.index}`;
  const busy = slots.get(key);
  const concurrency = spec.concurrency ?? 'queue';
  if (busy?.child) {
    if (concurrency === 'drop') return;
    if (concurrency === 'replace') killGroup(busy.child.pid!, 'SIGTERM');
    await busy.exited;
  }
  const slot: Slot = { child: null, exited: Promise.resolve() };
  slots.set(key, slot);
  const { command, extraEnv } = prepare(spec.command, call);
  const started = Date.now();
  const child = spawnProcess({
    command,
    cwd: resolve(env.pitfile.root, spec.cwd ?? '.'),
    env: { ...process.env, ...spec.env, ...extraEnv },
  });
  slot.child = child;
  const logPath = reactionLogPath(env.pitfile.settings.stateDir, call.reaction.id);
  const log = new LogFile(logPath, { maxBytes: 10 * 1024 * 1024, keep: 1, onError: () => {} });
  const captured = captureOutput(child, { log });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res, rej) => {
    child.once('error', rej);
    child.once('exit', (code, signal) => res({ code, signal }));
  });
  slot.exited = exit.catch(() => {});
  const timeoutMs = spec.timeout ? parseDuration(spec.timeout)! : null;
  let timedOut = false;
  const timer = timeoutMs
    ? setTimeout(() => {
        timedOut = true;
        void stopGroup(child.pid!, { signal: 'SIGTERM', timeoutMs: 2000, exited: slot.exited });
      }, timeoutMs)
    : undefined;
  const shown = typeof command === 'string' ? command : command.join(' ');
  try {
    // What spawnProcess can tell before starting (no such program, no cwd) it throws coded; this is the system refusing.
    const { code, signal } = await exit.catch((e: Error) => {
      throw errors.PIT_E_REACTION_RUN_START(shown, e.message);
    });
    env.bus.publish('reaction:run', call.reaction.id, {
      reaction: call.reaction.id,
      action: 'run',
      cause: call.vars.event.id,
      reason: reactionReason(call.reaction, call.vars.event),
      command: shown,
      exit_code: code,
      signal,
      duration_ms: Date.now() - started,
      log: logPath,
    });
    if (timedOut) throw errors.PIT_E_REACTION_RUN_TIMEOUT(timeoutMs!, logPath);
    if (code !== 0) throw errors.PIT_E_REACTION_RUN(signal ? `killed by ${signal}` : `exited with code ${code}`, logPath);
  } finally {
    clearTimeout(timer);
    // The pipes may close after the exit: the last lines still go to the file.
    void captured.then(() => log.close());
    slot.child = null;
  }
});

/** The command with event values filled in: as arguments for a list, as environment variables for a shell string. */
function prepare(command: string | string[], call: Invocation): { command: string | string[]; extraEnv: Record<string, string> } {
  if (Array.isArray(command)) return { command: fill(command, call.vars), extraEnv: {} };
  const { command: safe, env } = fillShell(command, call.vars);
  return { command: safe, extraEnv: env };
}
