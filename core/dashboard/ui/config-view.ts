// The pitfile in a code editor (editor.ts, loaded on first use), checked
// by the engine's own loader as you type, its problems marked at their
// line:column. Save first shows what it will change (processes added,
// removed, changed), then writes the text exactly as typed; the engine's hot
// reload applies it.
import { el } from './dom.js';
import { api } from './session.js';
import type { PitfileEditor, Problem } from './editor.js';

interface Changes {
  added: string[];
  removed: string[];
  changed: { name: string; keys: string[] }[];
}

export function configView(main: HTMLElement): () => void {
  const host = el('div', { id: 'editor' });
  const problems = el('div', { class: 'problems', id: 'problems', role: 'status' });
  const save = el('button', { id: 'save', type: 'button', class: 'act' }, 'save…');
  const note = el('span', { id: 'saved', class: 'muted', role: 'status', 'aria-live': 'polite' });
  const review = el('div', { class: 'panel', id: 'review', hidden: true });
  main.replaceChildren(el('div', { class: 'bar' }, save, note), review, host, problems);
  let editor: PitfileEditor | null = null;
  let closed = false;
  const show = (list: Problem[]) => {
    problems.textContent = list.map((p) => `line ${p.line ?? '?'}:${p.column ?? '?'}: ${p.path ? `${p.path} ` : ''}${p.message} [${p.code}]${p.fix ? `\n  fix: ${p.fix}` : ''}`).join('\n');
    save.dataset.invalid = list.length ? '1' : '';
    save.disabled = list.length > 0;
  };
  const validate = async (text: string): Promise<Problem[]> => {
    const { status, json } = await api('POST', '/v1/config/validate', { text });
    return status === 200 ? json.errors : [];
  };
  void (async () => {
    const [{ json }, { createEditor, isDark }] = await Promise.all([api('GET', '/v1/config/source'), import('./editor.js')]);
    if (closed) return;
    editor = createEditor(host, json.text ?? '', {
      dark: isDark(),
      validate,
      onProblems: show,
      onChange: () => {
        note.textContent = '';
        review.hidden = true;
      },
    });
  })();

  save.onclick = async () => {
    if (!editor) return;
    const text = editor.text();
    save.disabled = true;
    note.textContent = 'checking…';
    const { status, json } = await api('POST', '/v1/config/validate', { text });
    save.disabled = false;
    if (status !== 200) return void (note.textContent = `not checked: ${json.error?.message ?? status}`);
    show(json.errors);
    if (json.errors.length) return void (note.textContent = 'not saved: fix the problems below first');
    note.textContent = '';
    drawReview(review, json.changes as Changes, () => apply(text), () => (review.hidden = true));
  };
  const apply = async (text: string) => {
    note.textContent = 'saving…';
    const { status, json } = await api('PUT', '/v1/config/source', { text });
    review.hidden = true;
    show(json.errors ?? []);
    note.textContent = status === 200 ? 'saved; the engine reloads it' : `not saved: ${json.error?.message ?? 'fix the problems below'}`;
  };
  return () => {
    closed = true;
    editor?.destroy();
  };
}

/** "This save will: + add late · − remove old · ~ change api (processes.api.command)", with apply and cancel. */
function drawReview(box: HTMLElement, c: Changes, apply: () => void, cancel: () => void): void {
  const items = [
    ...c.added.map((n) => el('li', { class: 'added' }, `+ add ${n} (it starts)`)),
    ...c.removed.map((n) => el('li', { class: 'removed' }, `− remove ${n} (it stops)`)),
    ...c.changed.map((x) => el('li', { class: 'changed' }, `~ change ${x.name}: ${x.keys.join(', ')} (it restarts)`)),
  ];
  const ok = el('button', { type: 'button', id: 'apply', class: 'act' }, 'apply');
  const no = el('button', { type: 'button', id: 'cancel' }, 'cancel');
  ok.onclick = apply;
  no.onclick = cancel;
  box.replaceChildren(
    el('h3', {}, 'This save will'),
    items.length ? el('ul', { class: 'diff', id: 'diff' }, ...items) : el('p', { id: 'diff' }, 'change no process (settings, watchers or reactions may still change)'),
    el('div', { class: 'bar' }, ok, no),
  );
  box.hidden = false;
  ok.focus();
}
