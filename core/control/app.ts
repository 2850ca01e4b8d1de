// The control API's routes, one module per resource under routes/; the
// socket (server.ts) and the dashboard (dashboard/server.ts) both serve
// this app. schemas/control.openapi.json documents each endpoint and a test
// checks every response against it.
import { Api } from './http.js';
import type { ControlDeps } from './routes/deps.js';
import { registerEngineRoutes } from './routes/engine.js';
import { registerProcessRoutes } from './routes/processes.js';
import { registerScaleRoutes } from './routes/scale.js';
import { registerConfigRoutes } from './routes/config.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerLogRoutes } from './routes/logs.js';
import { registerEventRoutes } from './routes/events.js';
import { registerPluginRoutes } from './routes/plugins.js';
import { registerMetricsRoutes } from './routes/metrics.js';
import { registerMcpRoutes } from '../mcp/call-route.js';

export type { ControlDeps };

/** The control API's routes for `deps.engine` (not listening yet). */
export function buildControlApp(deps: ControlDeps): Api {
  const app = new Api();
  for (const register of [registerEngineRoutes, registerProcessRoutes, registerScaleRoutes, registerConfigRoutes, registerHealthRoutes, registerLogRoutes, registerEventRoutes, registerPluginRoutes, registerMetricsRoutes]) {
    register(app, deps);
  }
  registerMcpRoutes(app, deps.engine);
  return app;
}
