// The control API: HTTP and JSON on a Unix socket in .pit/ that only the
// engine's user can open (mode 0600, in a 0700 folder). The CLI's verbs and
// the dashboard are its clients. http.ts gives us routing, body limits and
// errors for malformed requests; the engine's own parts stay out of HTTP.
import { chmodSync, rmSync } from 'node:fs';
import type { Engine } from '../engine.js';
import { chooseSocketPath } from './socket-path.js';
import { registerRoutes, type ControlDeps } from './routes.js';
import { registerConfigRoutes } from './config-routes.js';
import { registerMcpRoutes } from '../mcp/call-route.js';
import { ProcessViews } from './process-view.js';
import { Api, serve } from './http.js';
import { engineMetrics, type EngineMetrics } from '../metrics/metrics.js';
import type { ListenConfig } from '../model/pitfile.js';
import type { AddressInfo } from 'node:net';
import { startDashboard, type Dashboard } from '../dashboard/server.js';
import { SECURITY_HEADERS, WEB_SERVER_OPTIONS, admitsHost, hostsFor, limitWebServer } from './web-guard.js';

export interface ControlServer {
  socketPath: string;
  views: ProcessViews;
  /** settings.metrics.listen's /metrics, when configured. */
  metricsUrl: string | null;
  /** The dashboard, when it runs. */
  dashboard: Dashboard | null;
  close(): Promise<void>;
}

/** The control API's routes for `engine` (not listening yet). */
export function buildControlApp(deps: ControlDeps): Api {
  const app = new Api();
  registerRoutes(app, deps);
  registerConfigRoutes(app, deps.engine);
  registerMcpRoutes(app, deps.engine);
  return app;
}

/** Listen on the project's socket; `shutdown` is what POST /v1/shutdown calls. */
export async function startControlServer(
  engine: Engine,
  shutdown: () => void,
  opts: { log?: (text: string) => void; dashboard?: ListenConfig | null } = {},
): Promise<ControlServer> {
  const log = opts.log ?? (() => {});
  const socketPath = chooseSocketPath(engine.pitfile.settings.stateDir);
  // A socket left by a killed engine: we hold the project's lock, so it is stale.
  rmSync(socketPath, { force: true });
  const views = new ProcessViews(() => engine.supervisors.values(), engine.bus, (name) => engine.notStartedWhy(name), () => engine.pitfile.replicas);
  const startedAt = Date.now();
  const metrics = engineMetrics(engine.bus, () => views.all(), startedAt);
  let dashboard: Dashboard | null = null;
  // An open dashboard page learns of a shutdown request at once (its streams end), not
  // only once every process has stopped; the socket stays open for engine status meanwhile.
  const deps = { engine, views, metrics, shutdown: () => (void dashboard?.close(), shutdown()), startedAt };
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
  const at = opts.dashboard;
  dashboard = at
    ? await startDashboard(deps, at).catch((e: NodeJS.ErrnoException) => {
        log(`dashboard: cannot listen on ${at.host}:${at.port} (${e.code ?? e.message}); the engine goes on without it`);
        return null;
      })
    : null;
  return {
    socketPath,
    views,
    metricsUrl: scrape?.url ?? null,
    dashboard,
    close: async () => {
      views.close();
      metrics.close();
      await scrape?.close();
      await dashboard?.close();
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
