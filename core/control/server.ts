// The control API: HTTP and JSON on a Unix socket in .pit/ that only the
// engine's user can open (mode 0600, in a 0700 folder). The CLI's verbs and
// the dashboard are its clients. http.ts gives us routing, body limits and
// errors for malformed requests; the engine's own parts stay out of HTTP.
import { chmodSync, rmSync } from 'node:fs';
import type { Engine } from '../engine.js';
import { chooseSocketPath } from './socket-path.js';
import { buildControlApp, type ControlDeps } from './app.js';
import { ProcessViews } from './process-view.js';
import { serve } from './http.js';
import { engineMetrics, type EngineMetrics } from '../metrics/metrics.js';
import type { ListenConfig } from '../model/pitfile.js';
import type { AddressInfo } from 'node:net';
import { SECURITY_HEADERS, WEB_SERVER_OPTIONS, admitsHost, hostsFor, limitWebServer } from './web-guard.js';

export interface ControlServer {
  socketPath: string;
  views: ProcessViews;
  /** settings.metrics.listen's /metrics, when configured. */
  metricsUrl: string | null;
  /** What the routes are given: a server beside the socket (the dashboard) serves the same app with them. */
  deps: ControlDeps;
  close(): Promise<void>;
}

/** Listen on the project's socket; `shutdown` is what POST /v1/shutdown calls. */
export async function startControlServer(
  engine: Engine,
  shutdown: () => void,
  opts: { log?: (text: string) => void } = {},
): Promise<ControlServer> {
  const log = opts.log ?? (() => {});
  const socketPath = chooseSocketPath(engine.pitfile.settings.stateDir);
  // A socket left by a killed engine: we hold the project's lock, so it is stale.
  rmSync(socketPath, { force: true });
  const views = new ProcessViews(() => engine.supervisors.values(), engine.bus, (name) => engine.notStartedWhy(name), () => engine.pitfile.replicas);
  const startedAt = Date.now();
  const metrics = engineMetrics(engine.bus, () => views.all(), startedAt);
  const deps: ControlDeps = { engine, views, metrics, shutdown, startedAt, dashboardUrl: null };
  // The socket is created with the umask's mode; tighten it before anyone can
  // have connected, as the folder it is in is already 0700.
  const app = await serve(buildControlApp(deps).handle, { path: socketPath });
  chmodSync(socketPath, 0o600);
  const listen = engine.pitfile.settings.metrics;
  // A port taken by something else costs the metrics, never supervision.
  const scrape = listen
    ? await serveMetrics(metrics, listen).catch((e: NodeJS.ErrnoException) => {
        log(`metrics: cannot listen on ${listen.host}:${listen.port} (${e.code ?? e.message}); /metrics stays on the socket`);
        return null;
      })
    : null;
  return {
    socketPath,
    views,
    metricsUrl: scrape?.url ?? null,
    deps,
    close: async () => {
      views.close();
      metrics.close();
      await scrape?.close();
      await app.close();
      rmSync(socketPath, { force: true });
    },
  };
}

/** /metrics alone on settings.metrics.listen, for a Prometheus that cannot reach the socket. */
async function serveMetrics(metrics: EngineMetrics, at: ListenConfig): Promise<{ url: string; close(): Promise<void> }> {
  let hosts: Set<string> | null = null;
  const { server, close } = await serve(
    (req, res) => {
      for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
      if (!admitsHost(req, hosts)) return void res.writeHead(421).end(`this listener answers to ${[...hosts!].join(', ')}\n`);
      if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') return void res.writeHead(404).end('only GET /metrics here\n');
      metrics.scrape().then(
        ({ text, contentType }) => res.writeHead(200, { 'content-type': contentType }).end(text),
        (e) => res.writeHead(500).end(String(e)),
      );
    },
    at,
    WEB_SERVER_OPTIONS,
  );
  limitWebServer(server);
  const port = (server.address() as AddressInfo).port;
  hosts = hostsFor(at, port);
  return { url: `http://${at.host}:${port}/metrics`, close };
}
