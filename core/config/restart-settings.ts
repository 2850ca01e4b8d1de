// The settings a running engine cannot take over by hot reload: each is
// bound once, at start (the state directory, the dashboard's and /metrics'
// listeners, the journal). Each reload whose pitfile differs there from the
// one the engine started with says so, instead of staying silent; the other
// settings (shutdown_timeout, monitor_interval, notify, heartbeat,
// installer) apply on reload.
import { isDeepStrictEqual } from 'node:util';
import type { Pitfile } from '../model/pitfile.js';

const BOUND_AT_START = {
  'settings.state_dir': (p: Pitfile) => p.settings.stateDir,
  'settings.dashboard': (p: Pitfile) => p.settings.dashboard,
  'settings.metrics': (p: Pitfile) => p.settings.metrics,
  'settings.journal': (p: Pitfile) => p.settings.journal,
} as const;

/** The settings of `after` that differ from `started`'s and need the engine restarted, as pitfile paths. */
export function settingsNeedingRestart(started: Pitfile, after: Pitfile): string[] {
  return Object.entries(BOUND_AT_START)
    .filter(([, of]) => !isDeepStrictEqual(of(started), of(after)))
    .map(([path]) => path);
}

/** What the engine says about one of them. */
export const restartNote = (path: string) => `${path} changed: restart the engine to apply (engine shutdown, then engine run again)`;
