// pitengine's public API: what plugins and tools import. Pit's own plugins
// import only this file too. It stays light (every plugin worker loads it):
// what only a CLI verb needs is loaded when first called.
export { definePlugin, PLUGIN_API_VERSION } from './plugins/contract.js';
export type { PluginDefinition, PluginContext, PluginRoute, PluginEngine, BuiltinPlugin } from './plugins/contract.js';
export type { PitEvent, EventType, EventOf, EventMatching, EmitData, Payloads, ProcessState } from './events/catalog.js';
// The built-in plugins' events, declared with the core's.
export type { ImportErrorFinding, ImportErrorKind, InstallReport, InstallOutcome, InstallBackend } from './events/plugin-payloads.js';
export type { Pitfile, ProcessConfig, LimitsConfig } from './model/pitfile.js';
// A built-in reads its own pitfile section (contract.ts `section`) with the engine's units.
export { parseDuration } from './model/units.js';
// Plugins report their failures with the engine's codes (docs/errors.md).
export { errors, PitError, type PitErrorCode } from './errors.js';
// Plugins measure process groups the way the engine does.
export { readGroupUsage, cpuPercent, type GroupUsage } from './process/group-usage.js';
// The heartbeat file's format: the heartbeat plugin writes it, engine health reads it.
export { writeBeat, type Beat } from './health/heartbeat-file.js';
// Credentials in URLs never reach an event, a log or the journal.
export { redactUrl, redactUrls } from './config/redact.js';
// A plugin's own files live in a folder of the state dir the core names.
export { pluginStateDir } from './state-dir.js';

// For the CLI verbs and doctor checks a built-in adds (contract.ts).
export { exitCodes, reportError } from './cli/output.js';
export type { CheckResult, DoctorInputs } from './doctor/check-result.js';
export type { ProjectEngine } from './control/client.js';

/** The pitfile as `engine` verbs load it (discovery, layers, ${VAR}, checks). */
export const loadPitfile: typeof import('./config/load.js').loadPitfile = async (...args) => (await import('./config/load.js')).loadPitfile(...args);

/** The engine running for the project's pitfile, and its control client (rejects PIT_E_CONTROL_NO_ENGINE). */
export const findProjectEngine: typeof import('./control/client.js').findProjectEngine = async (...args) => (await import('./control/client.js')).findProjectEngine(...args);
