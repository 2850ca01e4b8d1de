// engine run's control API and dashboard: opened once the plugins are up,
// and said where. The dashboard serves the socket's routes on a port.
import type { Engine } from '../engine.js';
import { displayPath } from '../errors.js';
import type { ListenConfig } from '../model/pitfile.js';
import type { ControlDeps } from '../control/app.js';
import type { Dashboard } from '../dashboard/server.js';
import type { Terminal } from './terminal.js';

/** Open the control API (and the dashboard, when asked), and say where. */
export async function openControl(engine: Engine, dashboardAt: ListenConfig | null, terminal: Terminal, shutdown: () => void) {
  const { isLoopback } = await import('../config/semantics.js');
  // Loaded after the first spawns: the API is not needed to start processes.
  const { startControlServer } = await import('../control/server.js');
  const at = dashboardAt ?? engine.pitfile.settings.dashboard;
  if (at && !isLoopback(at.host)) terminal.note(`dashboard: listening on ${at.host}, not only this machine: anyone who can reach it and has the token can act`);
  let dashboard: Dashboard | null = null;
  // An open dashboard page learns of a shutdown request at once (its streams end), not
  // only once every process has stopped; the socket stays open for engine status meanwhile.
  const control = await startControlServer(engine, () => (void dashboard?.close(), shutdown()), { log: (text) => terminal.note(text) });
  dashboard = at ? await openDashboard(control.deps, at, terminal) : null;
  control.deps.dashboardUrl = dashboard?.url ?? null;
  terminal.note(`listening on ${displayPath(control.socketPath)} (engine status, engine logs -f, engine shutdown)`);
  if (control.metricsUrl) terminal.note(`metrics on ${control.metricsUrl}`);
  if (dashboard) terminal.note(`dashboard: ${dashboard.announce(Boolean(process.stdout.isTTY))}`);
  return {
    close: async () => {
      await dashboard?.close();
      await control.close();
    },
  };
}

/** The dashboard on `at`, serving the socket's routes; a port taken costs the dashboard, never supervision. */
async function openDashboard(deps: ControlDeps, at: ListenConfig, terminal: Terminal): Promise<Dashboard | null> {
  const { startDashboard } = await import('../dashboard/server.js');
  return startDashboard(deps, at).catch((e: NodeJS.ErrnoException) => {
    terminal.note(`dashboard: cannot listen on ${at.host}:${at.port} (${e.code ?? e.message}); the engine goes on without it`);
    return null;
  });
}

