// A live log on the page, for one process or for all of them merged: each
// line with its time, stderr marked "!", the process's name in its colour
// (merged view), markers between runs, a search that hides other lines and
// highlights matches, follow/pause and a download. A process printing
// 10,000 lines a second is drawn once a frame, at most 500 lines a frame,
// and the view keeps the last 2,000 lines (the log file keeps them all).
import { clock, el } from './dom.js';
import { formatTime } from '../../cli/time-format.js';

export interface Line {
  process: string;
  stream: 'out' | 'err';
  line: string;
  at: number;
}

/** Lines kept in the view; the log file keeps them all. */
const VIEW_LINES = 2000;
const PER_FRAME = 500;
const MAX_PENDING = 5000;

/** The terminal's process colours (terminal.ts's PALETTE: cyan, yellow, green, magenta, blue, then bright), as CSS. */
const COLOURS = ['#39c5cf', '#d29922', '#3fb950', '#bc8cff', '#58a6ff', '#56d4dd', '#e3b341', '#56d364', '#d2a8ff', '#79c0ff'];

export interface LogPane {
  /** The controls and the log, to place on the page. */
  bar: HTMLElement;
  log: HTMLElement;
  add(line: Line): void;
  /** A line between runs: "── started 14:03:07: restart (dashboard) ──". */
  marker(at: number, text: string): void;
  /** Lines not drawn because they came too fast. */
  close(): void;
}

/** `merged`: lines of several processes, each name shown in its colour; `order` gives each its colour as the terminal does. */
export function logPane(opts: { merged: boolean; order: () => string[]; download: () => Promise<Line[]>; fileName: string }): LogPane {
  const search = el('input', { type: 'search', placeholder: 'search lines  ( / )', id: 'filter', 'aria-label': 'search log lines', autocomplete: 'off' });
  const pause = el('button', { id: 'pause', type: 'button', 'aria-pressed': 'false' }, 'pause');
  const follow = el('input', { type: 'checkbox', id: 'autoscroll', checked: true });
  const download = el('button', { id: 'download', type: 'button' }, 'download');
  const sampled = el('span', { class: 'muted', id: 'sampled', role: 'status' });
  const log = el('div', { id: 'log', role: 'log', tabindex: '0', 'aria-label': 'log lines' });
  const bar = el('div', { class: 'bar' }, search, pause, el('label', {}, follow, ' follow'), download, sampled);
  let paused = false;
  let pending: (Line | { marker: string; at: number })[] = [];
  let dropped = 0;
  let frame = 0;
  const needle = () => search.value.toLowerCase();

  const colour = (name: string) => COLOURS[Math.max(0, opts.order().indexOf(name)) % COLOURS.length];
  /** The row's text with every match of the search wrapped in <mark>; text nodes only. */
  const paint = (row: HTMLElement) => {
    const text = row.dataset.text ?? '';
    const body = row.querySelector('.text')!;
    const n = needle();
    row.hidden = n !== '' && (row.classList.contains('marker') || !text.toLowerCase().includes(n));
    if (!n || row.hidden) return void (body.textContent = text);
    const parts: (string | HTMLElement)[] = [];
    const lower = text.toLowerCase();
    let i = 0;
    for (let j = lower.indexOf(n); j >= 0; j = lower.indexOf(n, i)) {
      parts.push(text.slice(i, j), el('mark', {}, text.slice(j, j + n.length)));
      i = j + n.length;
    }
    parts.push(text.slice(i));
    body.replaceChildren(...parts);
  };
  const draw = (l: Line | { marker: string; at: number }) => {
    if ('marker' in l) {
      const row = el('div', { class: 'marker', 'data-text': l.marker }, el('span', { class: 'text' }, `── ${l.marker} ──`));
      row.hidden = needle() !== '';
      return log.append(row);
    }
    const name = opts.merged ? el('span', { class: 'proc', style: `color:${colour(l.process)}` }, l.process) : null;
    const row = el('div', { class: l.stream, 'data-text': l.line, 'data-process': l.process }, el('time', { datetime: new Date(l.at).toISOString(), title: formatTime(l.at) }, clock(l.at)), name, el('span', { class: 'text' }));
    paint(row);
    log.append(row);
  };
  const flush = () => {
    frame = 0;
    if (paused || !pending.length) return;
    const batch = pending.slice(-PER_FRAME);
    dropped += pending.length - batch.length;
    pending = [];
    batch.forEach(draw);
    while (log.childElementCount > VIEW_LINES) log.firstElementChild!.remove();
    if (dropped) sampled.textContent = `${dropped} lines not drawn (all are in the log file)`;
    if (follow.checked) log.scrollTop = log.scrollHeight;
  };
  const queue = (item: Line | { marker: string; at: number }) => {
    pending.push(item);
    if (pending.length > MAX_PENDING) {
      dropped += pending.length - MAX_PENDING;
      pending = pending.slice(-MAX_PENDING);
    }
    frame ||= requestAnimationFrame(flush);
  };
  search.oninput = () => (Array.from(log.children) as HTMLElement[]).forEach(paint);
  pause.onclick = () => {
    paused = !paused;
    pause.textContent = paused ? 'resume' : 'pause';
    pause.setAttribute('aria-pressed', String(paused));
    if (!paused) frame ||= requestAnimationFrame(flush);
  };
  download.onclick = async () => {
    download.disabled = true;
    try {
      const text = (await opts.download()).map((l) => `${formatTime(l.at)} ${opts.merged ? `${l.process} ` : ''}${l.stream} ${l.line}`).join('\n');
      el('a', { href: URL.createObjectURL(new Blob([text], { type: 'text/plain' })), download: opts.fileName }).click();
    } finally {
      download.disabled = false;
    }
  };
  return {
    bar,
    log,
    add: queue,
    marker: (at, text) => queue({ marker: text, at }),
    close: () => cancelAnimationFrame(frame),
  };
}
