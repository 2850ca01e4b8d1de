// The journal: filters by type pattern, process and time range; each
// event's cause links to the event behind it. Output lines and CPU/memory
// samples stay hidden unless asked (they would bury what happened).
import { el } from './dom.js';
import { api, subscribe } from './session.js';
import { connection } from './connection.js';
import { store } from './process-store.js';
import { eventItem, type Ev } from './event-line.js';
import { asksForChatter, isChatter } from '../../events/quiet.js';

const RANGES: [string, number][] = [['any time', 0], ['last 5 min', 5 * 60_000], ['last hour', 3_600_000], ['last day', 86_400_000]];
const MAX_SHOWN = 1000;

/** The filters survive leaving the view. */
const f = { type: '*:*', process: '', range: 0, all: false };

export function eventsView(main: HTMLElement): () => void {
  const type = el('input', { type: 'search', value: f.type, id: 'type', 'aria-label': 'event type pattern, e.g. process:*:exit', placeholder: 'process:*:exit' });
  const proc = el('select', { id: 'ev-process', 'aria-label': 'process' });
  // Filled when the process list arrives (this view may be the first one opened).
  const fillProc = () => {
    const names = ['', ...(store.processes?.map((p) => p.name) ?? [])];
    if (proc.dataset.key === names.join()) return;
    proc.dataset.key = names.join();
    proc.replaceChildren(...names.map((n) => el('option', { value: n, selected: n === f.process }, n || 'every subject')));
  };
  fillProc();
  const offStore = store.onChange(fillProc);
  const range = el('select', { id: 'range', 'aria-label': 'time range' }, ...RANGES.map(([label, ms]) => el('option', { value: String(ms), selected: ms === f.range }, label)));
  const all = el('input', { type: 'checkbox', id: 'all', checked: f.all });
  const problem = el('span', { class: 'problems', role: 'status' });
  const list = el('ul', { class: 'events', id: 'events' });
  const empty = el('p', { class: 'empty', hidden: true }, 'no event matches these filters');
  main.replaceChildren(el('div', { class: 'bar' }, type, proc, range, el('label', {}, all, ' lines and samples'), problem), list, empty);
  let stream: { close(): void } | null = null;
  // Each load (and leaving the view) starts a new generation: a load that
  // waits for the engine gives up once another has started.
  let generation = 0;
  const load = async () => {
    const mine = ++generation;
    Object.assign(f, { type: type.value || '*:*', process: proc.value, range: Number(range.value), all: all.checked });
    stream?.close();
    list.replaceChildren();
    const quiet = !f.all && !asksForChatter(f.type);
    const since = f.range ? Date.now() - f.range : 0;
    const wanted = (e: Ev) => !(quiet && isChatter(e.name)) && (!f.process || e.name.split(':')[1] === f.process) && e.at >= since;
    const show = (e: Ev) => {
      if (!wanted(e)) return;
      list.prepend(eventItem(e));
      while (list.childElementCount > MAX_SHOWN) list.lastElementChild!.remove();
      empty.hidden = true;
    };
    const { status, json } = await api('GET', `/v1/events?type=${encodeURIComponent(f.type)}&limit=300${quiet ? '&quiet=1' : ''}${since ? `&since=${since}` : ''}${f.process ? `&process=${encodeURIComponent(f.process)}` : ''}`);
    if (mine !== generation) return;
    problem.textContent = status === 200 || status === 0 ? '' : `${json.error?.message ?? ''}${json.error?.fix ? `; fix: ${json.error.fix}` : ''}`;
    if (status === 0) {
      // The engine did not answer (the banner says so): load again once it does, rather than stay empty.
      await connection.whenOnline();
      if (mine === generation) void load();
      return;
    }
    if (status !== 200) return;
    (json.events as Ev[]).forEach(show);
    empty.hidden = list.childElementCount > 0;
    stream = subscribe(`/v1/events/stream?type=${encodeURIComponent(f.type)}`, 'event', (data) => show(JSON.parse(data)));
  };
  type.onchange = proc.onchange = range.onchange = all.onchange = () => void load();
  void load();
  return () => {
    generation++;
    offStore();
    stream?.close();
  };
}
