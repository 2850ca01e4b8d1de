// What every TCP listener of the engine (the dashboard, /metrics) checks and
// sends, because a browser can reach it: any web page can make the browser
// send requests to 127.0.0.1, and a DNS-rebinding page does so under its own
// host name. So a request is answered only when its Host names this listener
// by an address of this machine, and every answer tells the browser not to
// frame it, sniff it or pass the address on.
import type { IncomingMessage, Server, ServerOptions } from 'node:http';
import type { ListenConfig } from '../model/pitfile.js';

/** Limits of a listener that a browser or a neighbour can reach. */
export const WEB_SERVER_OPTIONS: ServerOptions = { maxHeaderSize: 8 * 1024 };
const MAX_CONNECTIONS = 64;
const HEADERS_TIMEOUT_MS = 10_000;
/** Receiving a whole request (not answering it: a log stream lasts). */
const REQUEST_TIMEOUT_MS = 30_000;

/** Headers for every answer. The page has no inline script, so scripts come from 'self' alone. */
export const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

const WILDCARDS = new Set(['0.0.0.0', '::', '']);

/**
 * The Host values that name a listener on `at` bound to `port`: its own
 * address, and localhost, 127.0.0.1 and [::1] when it is on loopback. null
 * when it listens on every interface: then it answers to any name (the
 * person chose that, and was warned).
 */
export function hostsFor(at: ListenConfig, port: number): Set<string> | null {
  if (WILDCARDS.has(at.host)) return null;
  const own = at.host.includes(':') ? `[${at.host}]` : at.host;
  const names = [own];
  if (isLoopbackHost(at.host)) names.push('localhost', '127.0.0.1', '[::1]');
  return new Set(names.map((n) => `${n.toLowerCase()}:${port}`));
}

const isLoopbackHost = (h: string) => h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);

/** Whether `req` was addressed to this listener (its Host header). */
export function admitsHost(req: IncomingMessage, hosts: Set<string> | null): boolean {
  return hosts === null || hosts.has((req.headers.host ?? '').toLowerCase());
}

/** Whether an Origin header is the page of the host `req` was addressed to (checked by admitsHost). */
export function admitsOrigin(origin: string, req: IncomingMessage): boolean {
  return origin.toLowerCase() === `http://${(req.headers.host ?? '').toLowerCase()}`;
}

/** Bound what one client can hold: connections, slow headers, slow requests. */
export function limitWebServer(server: Server): void {
  server.maxConnections = MAX_CONNECTIONS;
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.requestTimeout = REQUEST_TIMEOUT_MS;
}
