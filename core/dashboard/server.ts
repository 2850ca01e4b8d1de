// The dashboard: the control API (the same routes as the socket) and a
// small page, on 127.0.0.1 unless the pitfile says otherwise. A random token
// in .pit/dashboard.token (0600) opens it once: the page then holds it in an
// HttpOnly, SameSite=Strict cookie. Every request needs the token; every
// request that changes something must also come from the page's own origin.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { buildControlApp } from '../control/server.js';
import { send, sendError, serve } from '../control/http.js';
import type { ControlDeps } from '../control/routes.js';
import type { ListenConfig } from '../model/pitfile.js';
import { errors } from '../errors.js';

const COOKIE = 'pit_dashboard';
const UI_DIR = new URL('../../dashboard/', import.meta.url);
const ASSETS: Record<string, string> = { '/': 'index.html', '/app.js': 'app.js' };
const TYPES: Record<string, string> = { 'index.html': 'text/html; charset=utf-8', 'app.js': 'text/javascript; charset=utf-8' };

export const tokenFile = (stateDir: string) => join(stateDir, 'dashboard.token');

export interface Dashboard {
  /** The address to open once: it carries the token. */
  url: string;
  close(): Promise<void>;
}

export async function startDashboard(deps: ControlDeps, at: ListenConfig): Promise<Dashboard> {
  const token = randomBytes(24).toString('hex');
  writeFileSync(tokenFile(deps.engine.pitfile.settings.stateDir), `${token}\n`, { mode: 0o600 });
  const app = buildControlApp(deps);
  const origin = () => `http://${at.host.includes(':') ? `[${at.host}]` : at.host}:${port}`;
  let port = at.port;
  /** Whether `req` may go on to the API; when not, it has been answered. */
  const admitted = (req: IncomingMessage, res: ServerResponse): boolean => {
    // An absolute target that is not a URL (GET http://[ HTTP/1.1) has no path to check.
    if (!URL.canParse(req.url!, 'http://x')) {
      sendError(res, 400, errors.PIT_E_CONTROL_BAD_REQUEST(`'${req.url}' is not a valid URL`));
      return false;
    }
    const url = new URL(req.url!, 'http://x');
    // Opening the printed address: keep the token in a cookie, and drop it from the address bar.
    if (req.method === 'GET' && url.pathname === '/' && url.searchParams.has('token')) {
      if (!same(url.searchParams.get('token')!, token)) return deny(res, 401, 'the token in the address is not this engine\'s; open the address engine run printed');
      send(res, 303, '', { 'set-cookie': `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`, location: '/' });
      return false;
    }
    const given = cookieOf(req.headers.cookie) ?? /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!given || !same(given, token)) return deny(res, 401, 'no valid token: open the address engine run printed (it carries ?token=), or send Authorization: Bearer <.pit/dashboard.token>');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      const site = req.headers['sec-fetch-site'];
      const from = req.headers.origin;
      if ((site && site !== 'same-origin' && site !== 'none') || (from && from !== origin())) return deny(res, 403, `a change from another origin (${from ?? site}) is refused`);
    }
    return true;
  };
  for (const [path, file] of Object.entries(ASSETS)) {
    app.get(path, async (_req, res) => send(res, 200, readFileSync(new URL(file, UI_DIR)), { 'content-type': TYPES[file], 'cache-control': 'no-store' }));
  }
  const { server, close } = await serve((req, res) => {
    if (admitted(req, res)) app.handle(req, res);
  }, at);
  port = (server.address() as AddressInfo).port;
  return { url: `${origin()}/?token=${token}`, close };
}

function same(a: string, b: string): boolean {
  const [x, y] = [Buffer.from(a), Buffer.from(b)];
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookieOf(header: string | undefined): string | undefined {
  return header?.split(';').map((c) => c.trim().split('=')).find(([k]) => k === COOKIE)?.[1];
}

function deny(res: ServerResponse, status: number, why: string): false {
  sendError(res, status, status === 401 ? errors.PIT_E_DASHBOARD_TOKEN(why) : errors.PIT_E_DASHBOARD_ORIGIN(why));
  return false;
}
