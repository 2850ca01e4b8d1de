// The page's link to the engine: the token and the requests that carry it.
// The token arrives once in the address's fragment (#token=…), which browsers
// never send to a server; the page keeps it in this tab's sessionStorage and
// sends it as Authorization on every request. No cookie: cookies are shared
// by every port of 127.0.0.1, so any local web server could read them.

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

const headers = (extra: Record<string, string> = {}) => ({ ...extra, authorization: `Bearer ${token ?? ''}` });

/** One request to the API; the answer's status and JSON body ({} when it has none). */
export async function api(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(path, {
    method,
    headers: headers(body === undefined ? {} : { 'content-type': 'application/json' }),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json().catch(() => ({})) };
}

/**
 * Follow a server-sent event stream, calling `on` with each `event`'s data.
 * EventSource cannot send an Authorization header, so this reads the stream
 * with fetch; like EventSource, it reconnects when the stream ends.
 */
export function subscribe(path: string, event: string, on: (data: string) => void): { close(): void } {
  const stop = new AbortController();
  const read = async () => {
    while (!stop.signal.aborted) {
      try {
        const res = await fetch(path, { headers: headers({ accept: 'text/event-stream' }), signal: stop.signal });
        const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            dispatch(buffer.slice(0, end), event, on);
            buffer = buffer.slice(end + 2);
          }
        }
      } catch {
        // Aborted, or the engine went away: retry below unless closed.
      }
      if (!stop.signal.aborted) await new Promise((r) => setTimeout(r, 2000));
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
