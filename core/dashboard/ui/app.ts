// The dashboard page: wires the header (connection, theme), the shared
// process store and the views, one per address (#/, #/process/<name>,
// #/logs, #/events, #/config). No framework: a few small modules on the
// control API, kept live by server-sent events.
import { token, api } from './session.js';
import { el } from './dom.js';
import { mountIndicator, connection } from './connection.js';
import { mountTheme } from './theme.js';
import { startStore } from './process-store.js';
import { overview } from './overview.js';
import { processPage } from './process-page.js';
import { logsView } from './logs-view.js';
import { eventsView } from './events-view.js';
import { configView } from './config-view.js';

const main = document.getElementById('main')!;
let closeView: () => void = () => {};

const VIEWS: Record<string, (main: HTMLElement) => () => void> = { overview, logs: logsView, events: eventsView, config: configView };

function route(): void {
  closeView();
  const hash = location.hash.replace(/^#/, '') || '/';
  const proc = /^\/process\/(.+)$/.exec(hash);
  const tab = proc ? 'overview' : (hash.slice(1) in VIEWS && hash !== '/overview' ? hash.slice(1) : 'overview');
  document.querySelectorAll('nav a').forEach((a) => (a.getAttribute('data-tab') === tab ? a.setAttribute('aria-current', 'page') : a.removeAttribute('aria-current')));
  closeView = proc ? processPage(main, decodeURIComponent(proc[1])) : VIEWS[tab](main);
}

/** Keys: "/" finds a process (or focuses the view's filter); g then o/l/e/c goes to a view. */
function keyboard(): void {
  let g = false;
  document.addEventListener('keydown', (e) => {
    const t = e.target as HTMLElement;
    if (e.ctrlKey || e.metaKey || e.altKey || t.closest('input, textarea, select, .cm-editor')) return;
    if (e.key === '/') {
      const box = document.querySelector<HTMLInputElement>('main input[type=search]');
      if (box) (e.preventDefault(), box.focus());
    } else if (g && 'olec'.includes(e.key)) {
      location.hash = { o: '#/', l: '#/logs', e: '#/events', c: '#/config' }[e.key as 'o']!;
    }
    g = e.key === 'g';
  });
}

mountTheme(document.getElementById('theme') as HTMLButtonElement);
if (token) {
  mountIndicator(document.getElementById('conn')!, document.getElementById('banner')!);
  const header = () => void api('GET', '/v1/engine').then(({ status, json }) => status === 200 && (document.getElementById('file')!.textContent = `${json.file ?? ''} · engine ${json.version ?? ''}`));
  connection.onChange((s) => s === 'online' && header());
  header();
  startStore();
  keyboard();
  window.addEventListener('hashchange', route);
  route();
} else {
  document.getElementById('conn')!.textContent = '✕ no token';
  main.replaceChildren(
    el('h2', {}, "This page needs the engine's token"),
    el('p', {}, 'Open the address ', el('code', {}, 'engine run --dashboard'), ' printed in its terminal (it ends in #token=…), or add ', el('code', {}, '#token='), ' and the contents of ', el('code', {}, '.pit/dashboard.token'), ' to this address.'),
  );
}
