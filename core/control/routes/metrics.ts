// /metrics on the socket: the Prometheus text (settings.metrics.listen
// serves the same on a port, control/server.ts).
import { send, type Api } from '../http.js';
import type { ControlDeps } from './deps.js';

export function registerMetricsRoutes(app: Api, { metrics }: ControlDeps): void {
  app.get('/metrics', async (_req, res) => {
    const { text, contentType } = await metrics.scrape();
    send(res, 200, text, { 'content-type': contentType });
  });
}
