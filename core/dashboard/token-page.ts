// What a browser that arrives without the token sees instead of the API's
// JSON refusal: a page that says how to open the dashboard. API clients
// (curl, scripts) still get the JSON 401, told apart by their Accept header.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PitError } from '../errors.js';

/** Whether `req` comes from a browser navigating (Accept names HTML before JSON). */
export function wantsHtml(req: IncomingMessage): boolean {
  const accept = req.headers.accept ?? '';
  const html = accept.indexOf('text/html');
  const json = accept.indexOf('application/json');
  return html >= 0 && (json < 0 || html < json);
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Answer `res` with 401 and a page that explains `e` (PIT_E_DASHBOARD_TOKEN) and what to do. */
export function sendTokenPage(res: ServerResponse, e: PitError, origin: string): void {
  const body = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Pit: this page needs the engine's token</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1d232a;background:#f6f7f9}
code{background:#e4e7eb;padding:.1rem .3rem;border-radius:3px;overflow-wrap:anywhere}
@media (prefers-color-scheme: dark){body{color:#e6edf3;background:#0d1117}code{background:#262c36}}</style></head>
<body><h1>This page needs the engine's token</h1>
<p>The dashboard answers only to the address that carries its token. To open it:</p>
<ul><li>open the address <code>engine dashboard</code> prints (or <code>engine run --dashboard</code> printed in its terminal), which ends in <code>#token=…</code>;</li>
<li>or add <code>#token=</code> and the contents of <code>.pit/dashboard.token</code> to <code>${escape(origin)}/</code>:<br>
<code>${escape(origin)}/#token=$(cat .pit/dashboard.token)</code></li></ul>
<p><small>${escape(e.code)}: ${escape(e.message)}</small></p></body></html>\n`;
  res.writeHead(401, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(body);
}
