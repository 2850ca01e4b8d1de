// What every resource of the control API is given: the engine and the views
// the socket and the dashboard share.
import type { Engine } from '../../engine.js';
import type { ProcessViews } from '../process-view.js';
import type { EngineMetrics } from '../../metrics/metrics.js';

export interface ControlDeps {
  engine: Engine;
  views: ProcessViews;
  metrics: EngineMetrics;
  shutdown(): void;
  startedAt: number;
  /** The dashboard's address (without its token) once it listens; null without one. */
  dashboardUrl: string | null;
}
