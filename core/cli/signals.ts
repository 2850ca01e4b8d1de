// engine run owns SIGINT, SIGTERM and SIGHUP from its first moment to its
// last. Node's default for each is to die on the spot, and libraries that
// draw in the terminal install their own (listr2 exits 127 on SIGINT): either
// way the children would be left running with no engine, holding the socket,
// the lock and the pid records. So the handlers are installed before the
// pitfile loads, and nothing else decides what a signal does.
import { constants } from 'node:os';

export type OwnedSignal = 'SIGINT' | 'SIGTERM' | 'SIGHUP';

const OWNED: OwnedSignal[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export interface SignalOwner {
  /** From now on, every owned signal goes to `handler`. */
  route(handler: (signal: OwnedSignal) => void): void;
}

/**
 * Take the three signals now. Until `route` is called nothing has started
 * (no lock, no child), so a signal ends the command at once, with the
 * shell's code for it (130 for Ctrl-C).
 */
export function ownSignals(): SignalOwner {
  let handler: ((signal: OwnedSignal) => void) | null = null;
  for (const signal of OWNED) {
    process.on(signal, () => (handler ? handler(signal) : process.exit(128 + constants.signals[signal])));
  }
  return { route: (h) => void (handler = h) };
}

/**
 * Whether this engine runs in a person's terminal. There SIGHUP means the
 * terminal closed: the engine stops everything, as foreman and honcho do.
 * Elsewhere (run --daemon, a service unit, a pipe) SIGHUP reloads the
 * pitfile, as supervisord does.
 */
export const isInTerminal = () => Boolean(process.stdin.isTTY || process.stdout.isTTY || process.stderr.isTTY);
