// The overview: every process as a row (a card on a narrow screen), kept
// live from the store; state chips that filter, a search by name, and per
// process its last change with its cause, its figures with sparklines, and
// actions that say how they went. Rows are updated in place, so focus, a
// running action and its outcome survive the pushes every 2 s.
import type { ProcessView } from '../../control/process-view.js';
import { el, span, spark } from './dom.js';
import { stateChip } from './state-chip.js';
import { store, type StateChange } from './process-store.js';
import { actionButton } from './action-button.js';
import { formatBytes } from '../../events/describe.js';

const COLUMNS = ['process', 'state', 'pid', 'uptime', 'restarts', 'heals', 'cpu', 'memory', 'health', 'actions'];

/** The filter survives leaving the overview and coming back. */
const filter = { text: '', state: 'all' };

interface Row {
  tr: HTMLTableRowElement;
  cells: Record<string, HTMLTableCellElement>;
  outcome: HTMLElement;
  actionsFor: string;
}

export function overview(main: HTMLElement): () => void {
  const search = el('input', { type: 'search', id: 'search', placeholder: 'search by name  ( / )', 'aria-label': 'search processes by name', autocomplete: 'off' });
  search.value = filter.text;
  const chips = el('div', { class: 'chips', role: 'group', 'aria-label': 'filter by state' });
  const body = el('tbody');
  const table = el('table', { class: 'procs' }, el('thead', {}, el('tr', {}, ...COLUMNS.map((h) => el('th', { scope: 'col' }, h)))), body);
  const empty = el('p', { class: 'empty', id: 'empty', hidden: true });
  main.replaceChildren(el('div', { class: 'bar' }, search, chips), table, empty);
  const rows = new Map<string, Row>();

  const render = () => {
    const procs = store.processes;
    if (!procs) {
      empty.hidden = false;
      empty.textContent = 'loading…';
      return;
    }
    drawChips(chips, procs, render);
    for (const [name, row] of rows) if (!procs.some((p) => p.name === name)) (row.tr.remove(), rows.delete(name));
    const text = filter.text.toLowerCase();
    let shown = 0;
    procs.forEach((p, i) => {
      const row = rows.get(p.name) ?? makeRow(p.name, rows);
      if (body.children[i] !== row.tr) body.insertBefore(row.tr, body.children[i] ?? null);
      fillRow(row, p, store.lastChange(p.name));
      row.tr.hidden = !(p.name.toLowerCase().includes(text) && matchesState(p, filter.state));
      if (!row.tr.hidden) shown++;
    });
    table.hidden = shown === 0;
    empty.hidden = shown > 0;
    if (!procs.length) empty.replaceChildren('no processes in pitfile.yaml — add one in ', el('a', { href: '#/config' }, 'Config'));
    else if (!shown) empty.textContent = `no process matches${filter.text ? ` "${filter.text}"` : ''}${filter.state !== 'all' ? ` in state ${filter.state}` : ''}`;
  };
  search.oninput = () => {
    filter.text = search.value;
    render();
  };
  const off = store.onChange(render);
  render();
  return off;
}

function matchesState(p: ProcessView, state: string): boolean {
  return state === 'all' || p.state === state;
}

/** One chip per state present (waiting and fatal always), with counts; pressing one filters. */
function drawChips(box: HTMLElement, procs: ProcessView[], render: () => void): void {
  const counts = new Map<string, number>([['all', procs.length]]);
  for (const p of procs) counts.set(p.state, (counts.get(p.state) ?? 0) + 1);
  for (const s of ['waiting', 'fatal']) if (!counts.has(s)) counts.set(s, 0);
  const key = [...counts].map(([s, n]) => `${s}${n}`).join() + filter.state;
  if (box.dataset.key === key) return;
  box.dataset.key = key;
  const focused = document.activeElement instanceof HTMLElement && box.contains(document.activeElement) ? document.activeElement.dataset.state : null;
  box.replaceChildren(
    ...[...counts].map(([s, n]) => {
      const b = el('button', { type: 'button', class: `chip filter ${s}`, 'data-state': s, 'aria-pressed': String(filter.state === s) }, `${s} ${n}`);
      b.onclick = () => {
        filter.state = filter.state === s ? 'all' : s;
        render();
      };
      return b;
    }),
  );
  if (focused) box.querySelector<HTMLElement>(`[data-state="${focused}"]`)?.focus();
}

function makeRow(name: string, rows: Map<string, Row>): Row {
  const cells = Object.fromEntries(COLUMNS.map((c) => [c, el('td', { class: c === 'process' ? 'name-cell' : c, 'data-label': c })])) as Record<string, HTMLTableCellElement>;
  cells.process.append(el('a', { class: 'name', href: `#/process/${encodeURIComponent(name)}` }, name), el('div', { class: 'cause' }));
  const outcome = el('span', { class: 'outcome', role: 'status', 'aria-live': 'polite' });
  cells.actions.append(el('span', { class: 'buttons' }), outcome);
  const row: Row = { tr: el('tr', { 'data-process': name }, ...COLUMNS.map((c) => cells[c])), cells, outcome, actionsFor: '' };
  rows.set(name, row);
  return row;
}

function fillRow(row: Row, p: ProcessView, change: StateChange | null): void {
  const { cells } = row;
  const s = store.samples(p.name);
  cells.state.className = `state ${p.state}`;
  const reason = p.state === 'fatal' && change?.to === 'fatal' && change.reason ? el('div', { class: 'why' }, change.reason) : null;
  cells.state.replaceChildren(...[stateChip(p), reason].filter((n): n is HTMLElement => n !== null));
  // A fatal process's reason is under its state already.
  (cells.process.querySelector('.cause') as HTMLElement).textContent = change && !reason ? describeChange(change) : '';
  cells.pid.textContent = p.pid === null ? '-' : String(p.pid);
  cells.uptime.textContent = p.uptime_s === null ? '-' : span(p.uptime_s);
  cells.restarts.textContent = String(p.restarts);
  cells.heals.textContent = p.heals ? `${p.heals} (${p.last_heal?.distribution ?? '?'})` : '0';
  cells.cpu.replaceChildren(el('span', { class: 'num' }, p.cpu === null ? '-' : `${p.cpu.toFixed(1)}%`), spark(s.cpu, `CPU, last ${s.cpu.length} samples, up to ${Math.max(0, ...s.cpu).toFixed(1)}%`));
  cells.memory.replaceChildren(el('span', { class: 'num' }, p.memory_bytes === null ? '-' : formatBytes(p.memory_bytes)), spark(s.mem, `memory, last ${s.mem.length} samples, up to ${formatBytes(Math.max(0, ...s.mem))}`));
  cells.health.textContent = p.healthy === null ? '-' : p.healthy ? '✓ healthy' : '✕ unhealthy';
  // Buttons are rebuilt only when the choice changes (fatal offers a reset), never under a running action.
  const choice = p.state === 'fatal' ? 'fatal' : 'normal';
  const buttons = cells.actions.querySelector('.buttons') as HTMLElement;
  if (row.actionsFor !== choice && !buttons.querySelector('[data-busy]')) {
    row.actionsFor = choice;
    const names = [p.name];
    buttons.replaceChildren(
      ...(choice === 'fatal'
        ? [actionButton('start', names, row.outcome, 'reset'), actionButton('stop', names, row.outcome)]
        : [actionButton('start', names, row.outcome), actionButton('stop', names, row.outcome), actionButton('restart', names, row.outcome)]),
    );
  }
}

/** "running 2m ago: restart (dashboard)". */
export function describeChange(c: StateChange): string {
  const ago = span(Math.max(0, (Date.now() - c.at) / 1000));
  return `${c.to} ${ago} ago${c.reason ? `: ${c.reason}` : ''}`;
}
