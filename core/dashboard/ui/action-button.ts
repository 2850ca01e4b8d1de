// A button that asks the engine to act on processes, and says how it went:
// "restarting…" while the request runs, then "restarted: running, pid 4242"
// or "refused: <the engine's reason>" in the outcome slot beside it. It is
// enabled again in every case (answered, refused, timed out, engine gone),
// so no control is left stuck.
import { el } from './dom.js';
import { connection } from './connection.js';
import { api } from './session.js';
import { refreshProcesses } from './process-store.js';
import type { ActionResult as Result } from '../../control/action-result.js';

export type Verb = 'start' | 'stop' | 'restart';

const ING: Record<Verb, string> = { start: 'starting…', stop: 'stopping…', restart: 'restarting…' };
const DONE: Record<Verb, string> = { start: 'started', stop: 'stopped', restart: 'restarted' };


/** What one answer of POST /v1/processes/<verb> means, in one line, and whether it worked. */
export function describeOutcome(verb: Verb, status: number, json: any): { ok: boolean; text: string } {
  if (status === 200 && Array.isArray(json.results)) {
    const results = json.results as Result[];
    const failed = results.filter((r) => !r.ok);
    if (failed.length) return { ok: false, text: `refused: ${failed.map((r) => r.error).join('; ')}` };
    return { ok: true, text: `${DONE[verb]}: ${results.map((r) => `${r.state ?? '?'}${r.pid ? `, pid ${r.pid}` : ''}`).join('; ')}` };
  }
  const e = json.error ?? {};
  const why = `${e.message ?? `status ${status}`}${e.code ? ` [${e.code}]` : ''}${e.fix ? `; fix: ${e.fix}` : ''}`;
  return { ok: false, text: status === 0 ? `not done: ${why}` : `refused: ${why}` };
}

/**
 * A button for `verb` on `names`, writing its outcome into `outcome`.
 * `label` is what it says ("reset" for a start out of fatal).
 */
export function actionButton(verb: Verb, names: string[], outcome: HTMLElement, label: string = verb): HTMLButtonElement {
  const b = el('button', { class: 'act', 'data-action': verb, type: 'button', 'aria-label': `${label} ${names.join(', ')}` }, label);
  b.disabled = !connection.online;
  b.onclick = async () => {
    b.dataset.busy = '1';
    b.disabled = true;
    b.setAttribute('aria-busy', 'true');
    outcome.className = 'outcome busy';
    outcome.textContent = ING[verb];
    let answered = false;
    try {
      const { status, json } = await api('POST', `/v1/processes/${verb}`, { names, via: 'dashboard' });
      const { ok, text } = describeOutcome(verb, status, json);
      outcome.className = `outcome ${ok ? 'done' : 'refused'}`;
      outcome.textContent = text;
      answered = status !== 0;
    } finally {
      // Usable again the moment the outcome shows.
      delete b.dataset.busy;
      b.removeAttribute('aria-busy');
      b.disabled = !connection.online;
    }
    if (answered) void refreshProcesses();
  };
  return b;
}
