// A process's state as a person reads it: a word and a symbol, never colour
// alone, and what it waits for or why it is fatal.
import type { ProcessView } from '../../control/process-view.js';
import { el } from './dom.js';

const SYMBOL: Record<string, string> = { running: '●', starting: '▲', stopping: '▼', waiting: '…', backoff: '↻', fatal: '✕', exited: '○', stopped: '■' };

/** "● running", "… waiting for db: healthy", "✕ fatal". */
export function stateText(p: Pick<ProcessView, 'state' | 'waiting_for'>): string {
  const word = p.state === 'waiting' && p.waiting_for ? `waiting for ${p.waiting_for}` : p.state;
  return `${SYMBOL[p.state] ?? '?'} ${word}`;
}

export function stateChip(p: Pick<ProcessView, 'state' | 'waiting_for'>): HTMLElement {
  return el('span', { class: `chip ${p.state}` }, stateText(p));
}
