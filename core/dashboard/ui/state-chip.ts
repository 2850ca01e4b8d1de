// A process's state as a person reads it: a word and a symbol, never colour
// alone, and what it waits for or why it is fatal.
import type { ProcessView } from '../../control/process-view.js';
import { el } from './dom.js';

const SYMBOL: Record<string, string> = { running: '●', starting: '▲', stopping: '▼', waiting: '…', backoff: '↻', fatal: '✕', exited: '○', stopped: '■' };

type Shown = Pick<ProcessView, 'state' | 'waiting_for' | 'not_started'>;

/** "● running", "… waiting for db: healthy", "■ not started (profile dev not active)", "✕ fatal". */
export function stateText(p: Shown): string {
  const word = p.state === 'waiting' && p.waiting_for ? `waiting for ${p.waiting_for}` : p.not_started ? `not started (${p.not_started})` : p.state;
  return `${SYMBOL[p.state] ?? '?'} ${word}`;
}

export function stateChip(p: Shown): HTMLElement {
  return el('span', { class: `chip ${p.state}` }, stateText(p));
}
