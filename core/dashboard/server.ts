// The dashboard: the control API (the same routes as the socket) and a
// small page, on 127.0.0.1 unless the pitfile says otherwise. A random token
// in .pit/dashboard.token (0600) is the key: the printed address carries it
// in its fragment, the page sends it as `Authorization: Bearer` (never a
// cookie: those are shared by every port of 127.0.0.1). The token grants
// what the socket grants, which includes editing the pitfile's commands.
// Every API request needs it; every change must also come from the page's
// own origin; every request must name this listener (web-guard.ts).
import { readFileSync, readdirSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildControlApp, type ControlDeps } from '../control/app.js';
import { send, sendError, serve } from '../control/http.js';
import { SECURITY_HEADERS, WEB_SERVER_OPTIONS, admitsHost, admitsOrigin, hostsFor, limitWebServer } from '../control/web-guard.js';
import type { ListenConfig } from '../model/pitfile.js';
import { displayPath, errors } from '../errors.js';
import { dashboardToken, isToken, tokenFile } from './token.js';
import { sendTokenPage, wantsHtml } from './token-page.js';

export { tokenFile };

const UI_DIR = new URL('../../dashboard/', import.meta.url);
/** The page and its scripts as built (the editor is a chunk of its own, loaded when opened): path → file. */
function builtAssets(): Record<string, string> {
  const scripts = readdirSync(UI_DIR).filter((f) => /^[\w.-]+\.js$/.test(f));
  return { '/': 'index.html', ...Object.fromEntries(scripts.map((f) => [`/${f}`, f])) };
}
const typeOf = (file: string) => (file.endsWith('.html') ? 'text/html; charset=utf-8' : 'text/javascript; charset=utf-8');

export interface Dashboard {
  /** The page's address, without the token. */
  url: string;
  /** The address to open: it carries the token in its fragment. */
  urlWithToken: string;
  /** What to print: the address with the token only to a person's terminal (never into a log file). */
  announce(toTerminal: boolean): string;
  close(): Promise<void>;
}

export async function startDashboard(deps: ControlDeps, at: ListenConfig): Promise<Dashboard> {
  const token = dashboardToken(deps.engine.pitfile.settings.stateDir);
  const ASSETS = builtAssets();
  const app = buildControlApp(deps);
  const origin = () => `http://${at.host.includes(':') ? `[${at.host}]` : at.host}:${port}`;
  let port = at.port;
  let hosts: Set<string> | null = null;
  /** Whether `req` may go on; when not, it has been answered. */
  const admitted = (req: IncomingMessage, res: ServerResponse): boolean => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
    if (!admitsHost(req, hosts)) return deny(res, 421, `this dashboard answers to ${[...hosts!].join(', ')}, not to Host: ${req.headers.host ?? '(none)'}`);
    // An absolute target that is not a URL (GET http://[ HTTP/1.1) has no path to check.
    if (!URL.canParse(req.url!, 'http://x')) {
      sendError(res, 400, errors.PIT_E_CONTROL_BAD_REQUEST(`'${req.url}' is not a valid URL`));
      return false;
    }
    // The page itself holds no secret: it asks for the token it needs.
    const path = new URL(req.url!, 'http://x').pathname;
    if ((req.method === 'GET' || req.method === 'HEAD') && path in ASSETS) return true;
    const given = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!given || !isToken(given, token)) {
      const why = 'no valid token: open the address engine run printed (it ends in #token=…), or send Authorization: Bearer <contents of .pit/dashboard.token>';
      // A person who typed an API address into the browser reads how to open the page; a script gets JSON.
      if (wantsHtml(req)) {
        sendTokenPage(res, errors.PIT_E_DASHBOARD_TOKEN(why), origin());
        return false;
      }
      return deny(res, 401, why);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      const site = req.headers['sec-fetch-site'];
      const from = req.headers.origin;
      if ((site && site !== 'same-origin' && site !== 'none') || (from && !admitsOrigin(from, req))) return deny(res, 403, `a change from another origin (${from ?? site}) is refused`);
    }
    return true;
  };
  for (const [path, file] of Object.entries(ASSETS)) {
    app.get(path, async (_req, res) => send(res, 200, readFileSync(new URL(file, UI_DIR)), { 'content-type': typeOf(file), 'cache-control': 'no-store' }));
  }
  const { server, close } = await serve(
    (req, res) => {
      if (admitted(req, res)) app.handle(req, res);
    },
    at,
    WEB_SERVER_OPTIONS,
  );
  limitWebServer(server);
  port = (server.address() as AddressInfo).port;
  hosts = hostsFor(at, port);
  const url = `${origin()}/`;
  const urlWithToken = `${url}#token=${token}`;
  const file = tokenFile(deps.engine.pitfile.settings.stateDir);
  // Closed early by a shutdown request, and again with the rest: once is enough.
  let closing: Promise<void> | null = null;
  return { url, urlWithToken, announce: (toTerminal) => (toTerminal ? urlWithToken : `${url} (add #token= and the contents of ${displayPath(file)})`), close: () => (closing ??= close()) };
}

function deny(res: ServerResponse, status: number, why: string): false {
  sendError(res, status, status === 401 ? errors.PIT_E_DASHBOARD_TOKEN(why) : status === 421 ? errors.PIT_E_DASHBOARD_HOST(why) : errors.PIT_E_DASHBOARD_ORIGIN(why));
  return false;
}
