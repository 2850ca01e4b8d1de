// pitengine's public API: what plugins and tools import.
export { definePlugin, PLUGIN_API_VERSION } from './plugins/contract.js';
export type { PluginDefinition, PluginContext } from './plugins/contract.js';
export type { PitEvent, EventType, ProcessState } from './events/catalog.js';
export type { Pitfile, ProcessConfig } from './model/pitfile.js';
// Plugins report their failures with the engine's codes (docs/errors.md).
export { errors, PitError, type PitErrorCode } from './errors.js';
// Plugins measure process groups the way the engine does.
export { readGroupUsage, type GroupUsage } from './process/group-usage.js';
