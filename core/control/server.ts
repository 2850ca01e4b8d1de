// The control API: HTTP and JSON on a Unix socket in .pit/ that only the
// engine's user can open (mode 0600, in a 0700 folder). The CLI's verbs and
// the dashboard are its clients. fastify gives us routing, body limits and
// errors for malformed requests; the engine's own parts stay out of HTTP.
import { chmodSync, rmSync } from 'node:fs';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Engine } from '../engine.js';
import { chooseSocketPath } from './socket-path.js';
import { registerRoutes, type ControlDeps } from './routes.js';
import { registerConfigRoutes } from './config-routes.js';
import { ProcessViews } from './process-view.js';
import { PitError, errors } from '../errors.js';
import { engineMetrics, type EngineMetrics } from '../metrics/metrics.js';
import type { ListenConfig } from '../model/pitfile.js';
import { createServer } from 'node:http';
import { startDashboard } from '../dashboard/server.js';

/** A request body larger than this is refused (413): commands are small. */
export const BODY_LIMIT_BYTES = 64 * 1024;

export interface ControlServer {
  socketPath: string;
  views: ProcessViews;
  /** settings.metrics.listen's /metrics, when configured. */
  metricsUrl: string | null;
  /** The dashboard's address with its token, when it runs. */
  dashboardUrl: string | null;
  close(): Promise<void>;
}

/** Build the HTTP app for `engine` (not listening yet). */
export function buildControlApp(deps: ControlDeps): FastifyInstance {
  // forceCloseConnections: followers of logs and events would otherwise hold a stop open.
  const app = Fastify({ bodyLimit: BODY_LIMIT_BYTES, logger: false, return503OnClosing: true, forceCloseConnections: true });
  // Every failure has the same shape: { error: { code, message, fix } }.
  app.setErrorHandler((err: Error & { statusCode?: number }, _req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 ? err.statusCode : 500;
    // fastify's own refusals (malformed JSON, a huge body) get a code of ours too.
    const e = err instanceof PitError ? err : status === 413 ? errors.PIT_E_CONTROL_BODY_TOO_LARGE(BODY_LIMIT_BYTES) : errors.PIT_E_CONTROL_BAD_REQUEST(err.message);
    void reply.status(status).send({ error: { code: e.code, message: e.message, fix: e.fix ?? null } });
  });
  app.setNotFoundHandler((req, reply) => {
    const e = errors.PIT_E_CONTROL_NOT_FOUND(req.method, req.url);
    void reply.status(404).send({ error: { code: e.code, message: e.message, fix: e.fix ?? null } });
  });
  registerRoutes(app, deps);
  registerConfigRoutes(app, deps.engine);
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
  const views = new ProcessViews(() => engine.supervisors.values(), engine.bus);
  const startedAt = Date.now();
  const metrics = engineMetrics(engine.bus, () => views.all(), startedAt);
  const deps = { engine, views, metrics, shutdown, startedAt };
  const app = buildControlApp(deps);
  // The socket is created with the umask's mode; tighten it before anyone can
  // have connected, as the folder it is in is already 0700.
  await app.listen({ path: socketPath });
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
  const dashboard = at
    ? await startDashboard(deps, at).catch((e: NodeJS.ErrnoException) => {
        log(`dashboard: cannot listen on ${at.host}:${at.port} (${e.code ?? e.message}); the engine goes on without it`);
        return null;
      })
    : null;
  return {
    socketPath,
    views,
    metricsUrl: scrape?.url ?? null,
    dashboardUrl: dashboard?.url ?? null,
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
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') return void res.writeHead(404).end('only GET /metrics here\n');
    metrics.scrape().then(
      ({ text, contentType }) => res.writeHead(200, { 'content-type': contentType }).end(text),
      (e) => res.writeHead(500).end(String(e)),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(at.port, at.host, resolve);
  });
  return { url: `http://${at.host}:${(server.address() as { port: number }).port}/metrics`, close: () => new Promise((r) => server.close(() => r())) };
}
