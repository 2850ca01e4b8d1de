// The built-in plugins a pitfile turns on, loaded through the same host and
// contract as a team's own plugins.
import { fileURLToPath } from 'node:url';
import type { Pitfile, PluginRef } from '../model/pitfile.js';

const builtin = (name: string) => fileURLToPath(new URL(`../../plugins/${name}/index.js`, import.meta.url));

/** The built-ins `pitfile` asks for, with their options. */
export function builtinPlugins(pitfile: Pitfile): PluginRef[] {
  const refs: PluginRef[] = [];
  if (pitfile.heartbeat) refs.push({ use: builtin('heartbeat'), options: { file: pitfile.heartbeat.file, intervalMs: pitfile.heartbeat.intervalMs } });
  return refs;
}
