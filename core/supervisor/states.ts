// The supervisor's state machine as one table: each state lists the inputs
// it accepts and where they lead. Anything else is a bug, reported as such.
import type { ProcessState } from '../events/catalog.js';

export type Input = 'wait' | 'start' | 'up' | 'exit' | 'stop' | 'restart' | 'retry' | 'budgetSpent';

export const transitions = {
  // waiting: held back by depends_on until each dependency meets its condition.
  waiting: { start: 'starting', stop: 'stopped', wait: 'waiting' },
  // budgetSpent here: an automatic restart (a limit hit) found the budget spent.
  stopped: { wait: 'waiting', start: 'starting', budgetSpent: 'fatal' },
  starting: { up: 'running', exit: 'exited', stop: 'stopping' },
  running: { exit: 'exited', stop: 'stopping' },
  // exited: the process ended on its own; it waits in backoff, gives up, or stays down.
  exited: { wait: 'waiting', restart: 'backoff', budgetSpent: 'fatal', start: 'starting', stop: 'stopped' },
  backoff: { retry: 'starting', stop: 'stopped' },
  stopping: { exit: 'stopped' },
  fatal: { wait: 'waiting', start: 'starting', stop: 'stopped' },
} as const satisfies Record<ProcessState, Partial<Record<Input, ProcessState>>>;

/** The state `input` leads to from `from`, or an error naming both. */
export function nextState(process: string, from: ProcessState, input: Input): ProcessState {
  const to = (transitions[from] as Partial<Record<Input, ProcessState>>)[input];
  if (!to) throw new Error(`bug: process ${process} in state ${from} got input ${input}, which the state table does not allow`);
  return to;
}

/** States in which the process has a live pid. */
export const isLive = (s: ProcessState) => s === 'starting' || s === 'running' || s === 'stopping';
