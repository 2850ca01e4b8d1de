// How the MCP server reaches the engine: the control socket, as every CLI
// verb does, never in-process. An agent reads "no engine is running" with
// the folder it looked in and how to start one.
import { dirname } from 'node:path';
import { PitError } from '../errors.js';
import type { ProjectEngine } from '../control/client.js';

/** `run` against the project's engine; with none running, PIT_E_CONTROL_NO_ENGINE naming the project's folder. */
export async function withEngine<T>(engine: ProjectEngine, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (!isNoEngine(e)) throw e;
    throw new PitError('PIT_E_CONTROL_NO_ENGINE', `no engine is running in ${projectDir(engine)}`, 'start it with engine run (or engine run --daemon)');
  }
}

export function isNoEngine(e: unknown): boolean {
  return e instanceof PitError && e.code === 'PIT_E_CONTROL_NO_ENGINE';
}

/** The folder the pitfile is in (the state directory's parent when the pitfile does not load). */
export function projectDir(engine: ProjectEngine): string {
  return engine.pitfile?.root ?? dirname(engine.stateDir);
}
