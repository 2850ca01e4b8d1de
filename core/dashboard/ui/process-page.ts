// One process: its actions, its live log (with markers between runs), the
// timeline of its state changes with their causes, its health probe's last
// results and its config block.
import { el, clock } from './dom.js';
import { api, subscribe } from './session.js';
import { store } from './process-store.js';
import { stateChip } from './state-chip.js';
import { actionButton } from './action-button.js';
import { logPane, type Line } from './log-pane.js';
import { eventItem, type Ev } from './event-line.js';
import { isChatter } from '../../events/quiet.js';
import { sourceBlock } from '../../config/source-block.js';

const HEALTH = /:(healthy|unhealthy|stale)$/;

export function processPage(main: HTMLElement, name: string): () => void {
  const q = encodeURIComponent(name);
  const chip = el('span', { id: 'state' });
  const outcome = el('span', { class: 'outcome', role: 'status', 'aria-live': 'polite' });
  const buttons = el('span', { class: 'buttons' }, ...(['start', 'stop', 'restart'] as const).map((v) => actionButton(v, [name], outcome)));
  const pane = logPane({
    merged: false,
    order: () => [name],
    fileName: `${name}.log`,
    download: async () => (await api('GET', `/v1/logs?process=${q}&lines=100000`)).json.lines ?? [],
  });
  const timeline = el('ul', { class: 'events', id: 'timeline' });
  const health = el('ul', { class: 'events', id: 'health' });
  const config = el('pre', { class: 'config', id: 'config' });
  main.replaceChildren(
    el('h2', {}, el('a', { href: '#/' }, 'Processes'), ' / ', name, ' ', chip),
    el('div', { class: 'bar' }, buttons, outcome),
    el('div', { class: 'grid2' },
      el('section', { class: 'panel', 'aria-label': 'log' }, el('h3', {}, 'log'), pane.bar, pane.log),
      el('div', {},
        el('section', { class: 'panel' }, el('h3', {}, 'timeline'), timeline),
        el('section', { class: 'panel' }, el('h3', {}, 'health'), health),
        el('section', { class: 'panel' }, el('h3', {}, 'config'), config))),
  );
  const drawState = () => {
    const p = store.processes?.find((x) => x.name === name);
    chip.replaceChildren(p ? stateChip(p) : el('span', { class: 'muted' }, store.processes ? 'not in the pitfile' : ''));
  };
  const offStore = store.onChange(drawState);
  drawState();

  // Events: state changes to the timeline (starts also mark the log), probe results to health, lines and samples nowhere.
  const show = (e: Ev, live: boolean) => {
    if (isChatter(e.name)) return;
    if (HEALTH.test(e.name)) return void health.prepend(eventItem(e));
    timeline.prepend(eventItem(e));
    if (live && e.name.endsWith(':state') && e.to === 'starting') pane.marker(e.at, `starting ${clock(e.at)}${e.reason ? `: ${e.reason}` : ''}`);
  };
  let lines: Line[] = [];
  const load = async () => {
    const [{ json: events }, { json: logs }, { json: cfg }] = await Promise.all([
      api('GET', `/v1/events?process=${q}&limit=300&quiet=1`),
      api('GET', `/v1/logs?process=${q}&lines=200`),
      api('GET', '/v1/config/source'),
    ]);
    timeline.replaceChildren();
    health.replaceChildren();
    const evs = (events.events ?? []) as Ev[];
    evs.forEach((e) => show(e, false));
    if (!health.childElementCount) health.append(el('li', { class: 'muted' }, 'no probe results yet (health: in the pitfile adds a probe)'));
    // The runs the history covers, each marked before its first line.
    const starts = evs.filter((e) => e.name.endsWith(':state') && e.to === 'starting');
    lines = (logs.lines ?? []) as Line[];
    for (const l of lines) {
      while (starts.length && starts[0].at <= l.at) {
        const s = starts.shift()!;
        pane.marker(s.at, `starting ${clock(s.at)}${s.reason ? `: ${s.reason}` : ''}`);
      }
      pane.add(l);
    }
    config.textContent = sourceBlock(cfg.text ?? '', name) ?? `not in ${cfg.file ?? 'the pitfile'} (from pitfile.local.yaml?)`;
  };
  void load();
  const logStream = subscribe(`/v1/logs?process=${q}&lines=0&follow=1`, 'line', (data) => pane.add(JSON.parse(data)));
  const events = subscribe(`/v1/events/stream?type=process:${q}`, 'event', (data) => show(JSON.parse(data), true));
  return () => {
    offStore();
    logStream.close();
    events.close();
    pane.close();
  };
}

