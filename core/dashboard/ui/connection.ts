// Whether the engine answers, told honestly: every request and stream of
// the page reports here. When the engine goes away the page says so at once
// (a banner with the time it was last seen, rows greyed, actions disabled),
// asks every second whether it is back, and then picks up by itself.
import { clock, el } from './dom.js';

type State = 'online' | 'offline' | 'refused';
type Listener = (state: State) => void;

const RETRY_MS = 1000;

let state: State = 'online';
let lastSeen = Date.now();
const listeners = new Set<Listener>();
let waiters: (() => void)[] = [];
let probe = 0;
let authorization = '';

export const connection = {
  get online(): boolean {
    return state === 'online';
  },
  get state(): State {
    return state;
  },
  /** Something the engine sent arrived. */
  alive(): void {
    lastSeen = Date.now();
    if (state !== 'online') set('online');
  },
  /** A request or stream failed for want of the engine. */
  lost(): void {
    if (state === 'online') set('offline');
  },
  /** The engine answered but refused the token (it was replaced): only a new address helps. */
  refused(): void {
    set('refused');
  },
  onChange(fn: Listener): () => void {
    listeners.add(fn);
    return () => listeners.delete(fn);
  },
  /** Resolves once the engine answers again (at once when it does now). */
  whenOnline(): Promise<void> {
    return state === 'online' ? Promise.resolve() : new Promise((r) => waiters.push(r));
  },
};

/** The header used to ask whether the engine is back. */
export function useAuthorization(value: string): void {
  authorization = value;
}

function set(next: State): void {
  state = next;
  if (next === 'online') {
    const w = waiters;
    waiters = [];
    w.forEach((r) => r());
  }
  if (next === 'offline' && !probe) probe = window.setTimeout(ask, RETRY_MS);
  listeners.forEach((fn) => fn(next));
}

/** One look at /v1/engine while it is away; again in a second when it still is. */
async function ask(): Promise<void> {
  probe = 0;
  try {
    const res = await fetch('/v1/engine', { headers: { authorization }, signal: AbortSignal.timeout(3000) });
    if (res.status === 401) return connection.refused();
    if (res.ok) return connection.alive();
  } catch {
    // Not back yet.
  }
  if (state === 'offline') probe = window.setTimeout(ask, RETRY_MS);
}

/** The header's indicator and the page's banner, kept in step with the connection. */
export function mountIndicator(indicator: HTMLElement, banner: HTMLElement): void {
  const draw = (s: State) => {
    indicator.className = `conn ${s}`;
    indicator.textContent = s === 'online' ? '● connected' : s === 'offline' ? '○ engine stopped' : '✕ token refused';
    indicator.title = s === 'online' ? 'the engine answers' : `last seen ${clock(lastSeen)}`;
    document.body.classList.toggle('offline', s !== 'online');
    banner.hidden = s === 'online';
    if (s === 'offline') banner.replaceChildren(el('b', {}, `engine stopped — last seen ${clock(lastSeen)}`), ' · what you see is how it was then; this page reconnects by itself when the engine is back.');
    if (s === 'refused') banner.replaceChildren(el('b', {}, 'the engine no longer accepts this page\'s token'), ' · it was restarted with a new one: open the address it printed, or add #token= and the contents of .pit/dashboard.token.');
    // Every control that acts on the engine waits for it.
    // (One busy with its request, or a save of an invalid pitfile, stays disabled.)
    document.querySelectorAll<HTMLButtonElement>('button.act').forEach((b) => (b.disabled = s !== 'online' || b.dataset.busy === '1' || b.dataset.invalid === '1'));
  };
  connection.onChange(draw);
  draw(state);
}
