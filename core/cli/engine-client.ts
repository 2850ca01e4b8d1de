// What every client verb shares: find the project's engine, run the verb
// against it, and turn failures into the CLI's exit codes.
import type { Command } from 'commander';
import type { ProjectEngine } from '../control/client.js';
import { reportError } from './output.js';

/** A commander action that gets the project's engine first; `run` returns the exit code. */
export function clientAction<A extends unknown[]>(run: (engine: ProjectEngine, ...args: A) => Promise<number>) {
  return async (...args: A) => {
    const cmd = args[args.length - 1] as Command;
    const { config } = cmd.optsWithGlobals<{ config?: string }>();
    try {
      const { findProjectEngine } = await import('../control/client.js');
      process.exitCode = await run(await findProjectEngine(config), ...args);
    } catch (e) {
      process.exitCode = reportError(e);
    }
  };
}

/** `painted(text, code)` on a TTY without NO_COLOR, else the text. */
export function painter(stream: { isTTY?: boolean } = process.stdout): (text: string, code: number) => string {
  const color = Boolean(stream.isTTY) && !process.env.NO_COLOR;
  return (text, code) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
}
