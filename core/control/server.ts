// The control API: HTTP and JSON on a Unix socket in .pit/ that only the
// engine's user can open (mode 0600, in a 0700 folder). The CLI's verbs and
// the dashboard are its clients. fastify gives us routing, body limits and
// errors for malformed requests; the engine's own parts stay out of HTTP.
import { chmodSync, rmSync } from 'node:fs';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Engine } from '../engine.js';
import { chooseSocketPath } from './socket-path.js';
import { registerRoutes, type ControlDeps } from './routes.js';
import { ProcessViews } from './process-view.js';
import { PitError, errors } from '../errors.js';

/** A request body larger than this is refused (413): commands are small. */
export const BODY_LIMIT_BYTES = 64 * 1024;

export interface ControlServer {
  socketPath: string;
  views: ProcessViews;
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
  return app;
}

/** Listen on the project's socket; `shutdown` is what POST /v1/shutdown calls. */
export async function startControlServer(engine: Engine, shutdown: () => void): Promise<ControlServer> {
  const socketPath = chooseSocketPath(engine.pitfile.settings.stateDir);
  // A socket left by a killed engine: we hold the project's lock, so it is stale.
  rmSync(socketPath, { force: true });
  const views = new ProcessViews(() => engine.supervisors.values(), engine.bus);
  const app = buildControlApp({ engine, views, shutdown, startedAt: Date.now() });
  // The socket is created with the umask's mode; tighten it before anyone can
  // have connected, as the folder it is in is already 0700.
  await app.listen({ path: socketPath });
  chmodSync(socketPath, 0o600);
  return {
    socketPath,
    views,
    close: async () => {
      views.close();
      await app.close();
      rmSync(socketPath, { force: true });
    },
  };
}
