// Every process's output in one live view, as `engine logs -f` shows it:
// merged in time order, each name in its terminal colour, filtered by
// process and by text.
import { el } from './dom.js';
import { api, subscribe } from './session.js';
import { store } from './process-store.js';
import { logPane } from './log-pane.js';

/** The choice survives leaving the view. */
let only = '';

export function logsView(main: HTMLElement): () => void {
  const names = () => store.processes?.map((p) => p.name) ?? [];
  const pick = el('select', { id: 'process', 'aria-label': 'process' });
  const pane = logPane({
    merged: true,
    order: names,
    fileName: 'pit.log',
    download: async () => (await api('GET', `/v1/logs?lines=100000${only ? `&process=${encodeURIComponent(only)}` : ''}`)).json.lines ?? [],
  });
  pane.bar.prepend(pick);
  main.replaceChildren(el('section', { class: 'panel', 'aria-label': 'logs of every process' }, pane.bar, pane.log));
  const fillPick = () => {
    const want = ['', ...names()];
    if (pick.dataset.key === want.join()) return;
    pick.dataset.key = want.join();
    pick.replaceChildren(...want.map((n) => el('option', { value: n, selected: n === only }, n || 'all processes')));
  };
  const offStore = store.onChange(fillPick);
  fillPick();
  let stream: { close(): void } | null = null;
  const open = () => {
    stream?.close();
    pane.log.replaceChildren();
    if (!names().length && store.processes) return void pane.log.append(el('div', { class: 'marker' }, el('span', { class: 'text' }, 'no processes in pitfile.yaml — add one in Config')));
    stream = subscribe(`/v1/logs?lines=200&follow=1${only ? `&process=${encodeURIComponent(only)}` : ''}`, 'line', (data) => pane.add(JSON.parse(data)), () => pane.log.replaceChildren());
  };
  pick.onchange = () => {
    only = pick.value;
    open();
  };
  open();
  return () => {
    offStore();
    stream?.close();
    pane.close();
  };
}
