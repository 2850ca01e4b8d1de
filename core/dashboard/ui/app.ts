// The dashboard page: three views on the control API, kept live by
// server-sent events (the process list pushed every 2 s, events and log
// lines as they happen). No framework: a table, a log, a text area.
import type { ProcessView as Proc } from '../../control/process-view.js';
import { api, subscribe, token } from './session.js';
import { describeEvent } from '../../events/describe.js';
import { asksForChatter, isChatter } from '../../events/quiet.js';
import { formatTime } from '../../cli/time-format.js';

interface Line { process: string; stream: 'out' | 'err'; line: string; at: number }
interface Ev { name: string; at: number; [k: string]: unknown }
interface Problem { line: number | null; column: number | null; path: string | null; message: string; code: string }

const main = document.getElementById('main')!;
const status = document.getElementById('status')!;
const el = <K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...kids: (Node | string)[]) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...kids);
  return e;
};
let closeView: () => void = () => {};

// ---- processes ------------------------------------------------------------
const history = new Map<string, { cpu: number[]; mem: number[] }>();

function spark(values: number[]): SVGElement {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('class', 'spark');
  svg.setAttribute('width', '60');
  svg.setAttribute('height', '16');
  const max = Math.max(1, ...values);
  const pts = values.map((v, i) => `${(i / Math.max(1, values.length - 1)) * 60},${16 - (v / max) * 15}`).join(' ');
  const line = document.createElementNS('http://www.w3.org/2000/svg', 'polyline');
  line.setAttribute('points', pts);
  line.setAttribute('fill', 'none');
  line.setAttribute('stroke', '#0969da');
  svg.append(line);
  return svg;
}

const mib = (b: number | null) => (b === null ? '-' : `${(b / 1048576).toFixed(1)} MiB`);
const ago = (s: number | null) => (s === null ? '-' : s < 120 ? `${s}s` : s < 7200 ? `${Math.round(s / 60)}m` : `${Math.round(s / 3600)}h`);

function overview(): () => void {
  const body = el('tbody');
  main.replaceChildren(el('table', {}, el('thead', {}, el('tr', {}, ...['process', 'state', 'pid', 'uptime', 'restarts', 'heals', 'cpu', 'memory', 'health', ''].map((h) => el('th', {}, h)))), body));
  const render = (procs: Proc[]) => {
    body.replaceChildren(
      ...procs.map((p) => {
        const h = history.get(p.name) ?? { cpu: [], mem: [] };
        h.cpu = [...h.cpu, p.cpu ?? 0].slice(-30);
        h.mem = [...h.mem, p.memory_bytes ?? 0].slice(-30);
        history.set(p.name, h);
        const act = (a: string) => {
          const b = el('button', { 'data-action': a }, a);
          b.onclick = async () => {
            b.disabled = true;
            await api('POST', `/v1/processes/${a}`, { names: [p.name], via: 'dashboard' });
            b.disabled = false;
          };
          return b;
        };
        const name = el('a', { class: 'name', href: `#/process/${encodeURIComponent(p.name)}` }, p.name);
        return el('tr', { 'data-process': p.name },
          el('td', {}, name), el('td', { class: `state ${p.state}` }, p.waiting_for ? `waiting for ${p.waiting_for}` : p.not_started ? `not started (${p.not_started})` : p.state), el('td', { class: 'pid' }, p.pid === null ? '-' : String(p.pid)),
          el('td', {}, ago(p.uptime_s)), el('td', {}, String(p.restarts)), el('td', {}, p.heals ? `${p.heals} (${p.last_heal?.distribution ?? '?'})` : '0'),
          el('td', {}, p.cpu === null ? '-' : `${p.cpu.toFixed(1)}% `, spark(h.cpu)), el('td', {}, `${mib(p.memory_bytes)} `, spark(h.mem)),
          el('td', {}, p.healthy === null ? '-' : p.healthy ? 'healthy' : 'unhealthy'),
          el('td', {}, act('start'), act('stop'), act('restart')));
      }),
    );
  };
  const live = subscribe('/v1/processes/stream', 'processes', (data) => render(JSON.parse(data).processes));
  // A state change shows at once, not at the next push.
  const events = subscribe('/v1/events/stream?type=process:*:state', 'event', async () => render((await api('GET', '/v1/processes')).json.processes));
  return () => {
    live.close();
    events.close();
  };
}

// ---- one process ----------------------------------------------------------
/** Lines kept in the view; the log file keeps them all. */
const VIEW_LINES = 2000;

function processView(name: string): () => void {
  const filter = el('input', { type: 'text', placeholder: 'filter lines', id: 'filter' }) as HTMLInputElement;
  const pause = el('button', { id: 'pause' }, 'pause');
  const follow = el('input', { type: 'checkbox', id: 'autoscroll', checked: '' }) as HTMLInputElement;
  const download = el('button', { id: 'download' }, 'download log');
  const sampled = el('span', { class: 'muted', id: 'sampled' });
  const log = el('div', { id: 'log' });
  const evList = el('ul', { class: 'events' });
  main.replaceChildren(el('h2', {}, name), el('div', { class: 'bar' }, filter, pause, el('label', {}, follow, ' auto-scroll'), download, sampled), log, el('h3', {}, 'events'), evList);
  let paused = false;
  let pending: Line[] = [];
  let dropped = 0;
  const matches = (text: string) => !filter.value || text.toLowerCase().includes(filter.value.toLowerCase());
  const add = (l: Line) => {
    const row = el('div', { class: l.stream }, l.line);
    row.hidden = !matches(l.line);
    log.append(row);
  };
  // A process printing 10,000 lines a second is drawn once a frame, at most 500 lines a frame.
  const flush = () => {
    frame = 0;
    if (paused || !pending.length) return;
    const batch = pending.slice(-500);
    dropped += pending.length - batch.length;
    pending = [];
    batch.forEach(add);
    while (log.childElementCount > VIEW_LINES) log.firstElementChild!.remove();
    if (dropped) sampled.textContent = `${dropped} lines not drawn (all are in the log file)`;
    if (follow.checked) log.scrollTop = log.scrollHeight;
  };
  let frame = 0;
  const stream = subscribe(`/v1/logs?process=${encodeURIComponent(name)}&lines=200&follow=1`, 'line', (data) => {
    pending.push(JSON.parse(data));
    if (pending.length > 5000) {
      dropped += pending.length - 5000;
      pending = pending.slice(-5000);
    }
    frame ||= requestAnimationFrame(flush);
  });
  filter.oninput = () => {
    for (const row of Array.from(log.children) as HTMLElement[]) row.hidden = !matches(row.textContent ?? '');
  };
  pause.onclick = () => {
    paused = !paused;
    pause.textContent = paused ? 'resume' : 'pause';
    if (!paused) frame ||= requestAnimationFrame(flush);
  };
  download.onclick = async () => {
    const { json } = await api('GET', `/v1/logs?process=${encodeURIComponent(name)}&lines=100000`);
    const text = (json.lines as Line[]).map((l) => `${formatTime(l.at)} ${l.stream} ${l.line}`).join('\n');
    const a = el('a', { href: URL.createObjectURL(new Blob([text], { type: 'text/plain' })), download: `${name}.log` });
    a.click();
  };
  // Its lines are in the log above; its samples in the overview: the list keeps what happened.
  const showEvent = (e: Ev) => isChatter(e.name) || evList.prepend(el('li', {}, `${formatTime(e.at)} ${e.name} ${describeEvent(e)}`));
  void api('GET', `/v1/events?process=${encodeURIComponent(name)}&limit=200&quiet=1`).then(({ json }) => (json.events as Ev[] | undefined)?.forEach(showEvent));
  const events = subscribe(`/v1/events/stream?type=process:${encodeURIComponent(name)}`, 'event', (data) => showEvent(JSON.parse(data)));
  return () => {
    stream.close();
    events.close();
    cancelAnimationFrame(frame);
  };
}

// ---- events ---------------------------------------------------------------
function eventsView(): () => void {
  const type = el('input', { type: 'text', value: '*:*', id: 'type' }) as HTMLInputElement;
  // Off by default: output lines and CPU/memory samples would bury what happened; a pattern naming them shows them too.
  const all = el('input', { type: 'checkbox', id: 'all' }) as HTMLInputElement;
  const list = el('ul', { class: 'events' });
  main.replaceChildren(el('div', { class: 'bar' }, 'type ', type, el('label', {}, all, ' lines and samples')), list);
  let stream: { close(): void } | null = null;
  const load = async () => {
    stream?.close();
    list.replaceChildren();
    const quiet = !all.checked && !asksForChatter(type.value);
    const show = (e: Ev) => (quiet && isChatter(e.name)) || list.prepend(el('li', {}, `${formatTime(e.at)} ${e.name} ${describeEvent(e)}`));
    const { json } = await api('GET', `/v1/events?type=${encodeURIComponent(type.value)}&limit=300${quiet ? '&quiet=1' : ''}`);
    (json.events as Ev[] | undefined)?.forEach(show);
    stream = subscribe(`/v1/events/stream?type=${encodeURIComponent(type.value)}`, 'event', (data) => {
      show(JSON.parse(data) as Ev);
      while (list.childElementCount > 1000) list.lastElementChild!.remove();
    });
  };
  type.onchange = () => void load();
  all.onchange = () => void load();
  void load();
  return () => stream?.close();
}

// ---- config ---------------------------------------------------------------
function configView(): () => void {
  const text = el('textarea', { id: 'source', spellcheck: 'false' }) as HTMLTextAreaElement;
  const problems = el('div', { class: 'problems', id: 'problems' });
  const save = el('button', { id: 'save' }, 'save');
  const note = el('span', { id: 'saved', class: 'muted' });
  main.replaceChildren(el('div', { class: 'bar' }, save, note), text, problems);
  const show = (list: Problem[]) => {
    problems.textContent = list.map((p) => `line ${p.line ?? '?'}:${p.column ?? '?'}: ${p.path ? `${p.path} ` : ''}${p.message} [${p.code}]`).join('\n');
    save.disabled = list.length > 0;
  };
  void api('GET', '/v1/config/source').then(({ json }) => (text.value = json.text));
  let timer = 0;
  text.oninput = () => {
    note.textContent = '';
    clearTimeout(timer);
    timer = window.setTimeout(async () => show((await api('POST', '/v1/config/validate', { text: text.value })).json.errors ?? []), 300);
  };
  save.onclick = async () => {
    const { status: code, json } = await api('PUT', '/v1/config/source', { text: text.value });
    show(json.errors ?? []);
    note.textContent = code === 200 ? 'saved; the engine reloads it' : 'not saved';
  };
  return () => clearTimeout(timer);
}

// ---- routing --------------------------------------------------------------
function route(): void {
  closeView();
  const hash = location.hash.replace(/^#/, '') || '/';
  const proc = /^\/process\/(.+)$/.exec(hash);
  const tab = proc ? 'overview' : hash === '/events' ? 'events' : hash === '/config' ? 'config' : 'overview';
  document.querySelectorAll('nav a').forEach((a) => a.classList.toggle('on', a.getAttribute('data-tab') === tab));
  closeView = proc ? processView(decodeURIComponent(proc[1])) : tab === 'events' ? eventsView() : tab === 'config' ? configView() : overview();
}
if (token) {
  window.addEventListener('hashchange', route);
  void api('GET', '/v1/engine').then(({ json }) => (status.textContent = `${json.file ?? ''} · engine ${json.version ?? ''}`));
  route();
} else {
  main.replaceChildren(
    el('h2', {}, 'This page needs the engine\'s token'),
    el('p', {}, 'Open the address that engine run printed in its terminal, or add #token= and the contents of .pit/dashboard.token to this address.'),
  );
}
