// /v1/engine (what runs, since when) and /v1/shutdown.
import { version } from '../../version.js';
import { sendJson, type Api } from '../http.js';
import type { ControlDeps } from './deps.js';

export function registerEngineRoutes(app: Api, deps: ControlDeps): void {
  const { engine } = deps;
  app.get('/v1/engine', async () => ({
    version,
    pid: process.pid,
    started_at: new Date(deps.startedAt).toISOString(),
    uptime_s: Math.round((Date.now() - deps.startedAt) / 1000),
    file: engine.pitfile.file,
    root: engine.pitfile.root,
    state_dir: engine.pitfile.settings.stateDir,
    processes: engine.supervisors.size,
    // Its token is not sent: engine dashboard reads it from the state dir, as the person's own file.
    dashboard: deps.dashboardUrl,
  }));

  app.post('/v1/shutdown', async (_req, res) => {
    // Answer first: the engine's stop closes this server.
    res.once('finish', () => deps.shutdown());
    sendJson(res, 202, { ok: true });
  });
}
