// The page's link to the engine: the token and the requests that carry it.
// The token arrives once in the address's fragment (#token=…), which browsers
// never send to a server; the page keeps it in this tab's sessionStorage and
// sends it as Authorization on every request. No cookie: cookies are shared
// by every port of 127.0.0.1, so any local web server could read them.
// Every answer, or its absence, is reported to connection.ts.
import { connection, useAuthorization } from './connection.js';

const KEY = 'pit-token';

function takeToken(): string | null {
  const m = /^#token=([0-9a-f]+)$/.exec(location.hash);
  if (m) {
    sessionStorage.setItem(KEY, m[1]);
    // Out of the address bar, the history and any screenshot of the page.
    history.replaceState(null, '', `${location.pathname}#/`);
  }
  return sessionStorage.getItem(KEY);
}

export const token = takeToken();
const authorization = `Bearer ${token ?? ''}`;
useAuthorization(authorization);

const headers = (extra: Record<string, string> = {}) => ({ ...extra, authorization });

/** No request waits longer than this: a control is never left spinning. */
const REQUEST_TIMEOUT_MS = 30_000;

/** An answer's status and JSON body ({} when it has none); status 0: the engine did not answer. */
export interface Answer {
  status: number;
  json: any;
}

/** One request to the API. Never throws: an engine that is away answers status 0 with an error in our envelope. */
export async function api(method: string, path: string, body?: unknown): Promise<Answer> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: headers(body === undefined ? {} : { 'content-type': 'application/json' }),
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (e) {
    const timedOut = (e as Error).name === 'TimeoutError';
    if (!timedOut) connection.lost();
    const message = timedOut ? `no answer within ${REQUEST_TIMEOUT_MS / 1000} s` : 'the engine did not answer (stopped?)';
    return { status: 0, json: { error: { code: null, message, fix: null } } };
  }
  if (res.status === 401) connection.refused();
  else connection.alive();
  return { status: res.status, json: await res.json().catch(() => ({})) };
}

/**
 * Follow a server-sent event stream, calling `on` with each `event`'s data
 * (and `onOpen` each time it (re)connects, so a view can reload what it
 * missed). EventSource cannot send an Authorization header, so this reads
 * the stream with fetch. A stream that ends means the engine went away:
 * it is said at once, and the stream opens again once the engine is back.
 */
export function subscribe(path: string, event: string, on: (data: string) => void, onOpen?: () => void): { close(): void } {
  const stop = new AbortController();
  const read = async () => {
    while (!stop.signal.aborted) {
      await connection.whenOnline();
      if (stop.signal.aborted) return;
      try {
        const res = await fetch(path, { headers: headers({ accept: 'text/event-stream' }), signal: stop.signal });
        if (res.status === 401) connection.refused();
        if (!res.ok || !res.body) {
          // The engine answered (too many streams, a bad pattern): it is there; try again later.
          connection.alive();
          await new Promise((r) => setTimeout(r, 5000));
          continue;
        }
        connection.alive();
        onOpen?.();
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          connection.alive();
          buffer += value;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            dispatch(buffer.slice(0, end), event, on);
            buffer = buffer.slice(end + 2);
          }
        }
      } catch {
        // Aborted, or the engine went away: said below unless closed.
      }
      if (stop.signal.aborted) return;
      connection.lost();
      // A stream refused while the engine answers (too many streams) is not retried in a tight loop.
      await new Promise((r) => setTimeout(r, 1000));
    }
  };
  void read();
  return { close: () => stop.abort() };
}

/** One SSE message: `event:` and `data:` lines. */
function dispatch(message: string, event: string, on: (data: string) => void): void {
  let name = 'message';
  const data: string[] = [];
  for (const line of message.split('\n')) {
    if (line.startsWith('event:')) name = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
  }
  if (name === event && data.length) on(data.join('\n'));
}
