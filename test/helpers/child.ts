// Awaiting what a child process reports: its first output line, its exit.
import type { ChildProcess } from 'node:child_process';
import { after } from 'node:test';
import { within } from './wait.js';

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** The child's first stdout line (without "\n"), within `ms`. */
export function firstLine(child: ChildProcess, ms = 10_000): Promise<string> {
  let text = '';
  const line = new Promise<string>((resolve, reject) => {
    const onData = (d: Buffer) => {
      text += d.toString('utf8');
      const nl = text.indexOf('\n');
      if (nl === -1) return;
      child.stdout!.off('data', onData);
      resolve(text.slice(0, nl));
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code, signal) => reject(new Error(`exited (${code ?? signal}) before printing a line; got ${JSON.stringify(text)}`)));
  });
  return within(line, ms, `the first line of pid ${child.pid}`);
}

/** The child's exit, as a promise made now (so an early exit is not missed). */
export function exitOf(child: ChildProcess): Promise<ChildExit> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

/** SIGKILL these process groups after the test file, whatever happened. */
export function cleanupGroups(...pgids: number[]): void {
  after(() => {
    for (const pgid of pgids) {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch { /* gone */ }
    }
  });
}
