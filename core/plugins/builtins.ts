// The built-in plugins a pitfile turns on, loaded through the same host and
// contract as a team's own plugins.
import { fileURLToPath } from 'node:url';
import type { Pitfile, PluginRef } from '../model/pitfile.js';

const builtin = (name: string) => fileURLToPath(new URL(`../../plugins/${name}/index.js`, import.meta.url));

/** The built-ins `pitfile` asks for, with their options. */
export function builtinPlugins(pitfile: Pitfile): PluginRef[] {
  const limits = Object.fromEntries(Object.values(pitfile.processes).flatMap((p) => (p.limits ? [[p.name, p.limits]] : [])));
  const refs: PluginRef[] = [];
  // Sampling costs (0.35% of a core for 100 groups at 5 s): only when a limit needs it.
  if (Object.keys(limits).length) refs.push({ use: builtin('process-monitor'), options: { intervalMs: pitfile.settings.monitorIntervalMs, limits } });
  if (pitfile.heartbeat) refs.push({ use: builtin('heartbeat'), options: { file: pitfile.heartbeat.file, intervalMs: pitfile.heartbeat.intervalMs } });
  return refs;
}
