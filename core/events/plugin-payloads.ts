// The payloads of the events Pit's built-in plugins emit, declared here so
// the catalogue (catalog.ts) holds them beside the core's: a reaction, the
// journal and the dashboard read them flat, like any event, and a plugin's
// ctx.emit is checked against them.
import type { LimitAction } from '../model/pitfile.js';

/** The tools python-installer installs with. */
export type InstallBackend = 'pip' | 'conda' | 'poetry' | 'uv';

/** What kind of import problem a Python process died of. */
export type ImportErrorKind =
  | 'missing-module'
  | 'distribution-not-found'
  | 'missing-name'
  | 'circular-import'
  | 'not-a-package'
  | 'system-library'
  | 'abi-mismatch'
  | 'import-blocked'
  | 'relative-import'
  | 'not-runnable'
  | 'broken-tool'
  | 'app-module'
  | 'missing-plugin';

/** What import-error-matcher read from a process's last traceback. */
export interface ImportErrorFinding {
  kind: ImportErrorKind;
  /** The dotted module the message names, when it names one. */
  module: string | null;
  top_level: string | null;
  /** The exception line, colours and prefix removed. */
  line: string;
  /** The code line that imported, when the traceback shows it (`from google.cloud import storage`). */
  source: string | null;
  /** Whether installing something can heal it: only missing-module and distribution-not-found. */
  installable?: boolean;
  /** What to do instead, for what installing cannot heal. */
  hint?: string;
  /** system-library: the shared library that is missing. */
  library?: string;
  /** distribution-not-found: the distribution importlib.metadata or pkg_resources looked for. */
  distribution?: string;
  /** distribution-not-found (pkg_resources): what requires it. */
  required_by?: string;
  /** missing-plugin: the entry point looked for ("sqlalchemy.dialects:snowflake"). */
  plugin?: string;
  /** The file whose code ran the failing import. */
  importer?: string | null;
  /** The installed package that import ran in (its folder under site-packages), when it ran in one. */
  imported_by?: string | null;
  /** The framework exception the import error was reported through (django.core.exceptions.ImproperlyConfigured). */
  wrapped_by?: string;
  /** The prefix every line of the traceback carried ("api-1  | "), removed before reading; '' when none. */
  prefix?: string;
  /** The lines it was read from, 1-based and inclusive, in the lines given. */
  lines?: { from: number; to: number };
}

/** How one install request ended. */
export type InstallOutcome = 'installed' | 'failed' | 'skipped' | 'gave-up' | 'pending' | 'dry-run';

/** What python-installer decided and did about one import error. */
export interface InstallReport {
  id: string;
  process: string;
  module: string | null;
  distribution: string | null;
  environment: string;
  python: string;
  backend: InstallBackend;
  found_by: string;
  command: string[] | null;
  outcome: InstallOutcome;
  reason: string;
  /** When the install command started (ms since epoch), if it ran. */
  started_at: number | null;
  duration_ms: number | null;
  /** The end of the installer's output, when it failed. */
  output?: string;
  /** The index pip or uv installs from, credentials shown as ***. */
  index?: string;
  /** The project file the heal was recorded in (installer.edit_project), or null. */
  edited?: string | null;
  /** Healed by another request's install (running or just finished), not by one of its own. */
  joined?: boolean;
}

/** The payloads by event type; catalog.ts merges them into its Payloads. */
export interface PluginPayloads {
  /** import-error-matcher: the process exited of its own accord, of an import problem. */
  'process:import-error': ImportErrorFinding & { process: string; exit_code: number | null; stream: 'stdout' | 'stderr' };
  /** python-installer: a decision on an import error, and its outcome; `stale`: it came before a heal's restart. */
  'process:install': InstallReport & { stale?: true };
  /** process-monitor: the CPU and memory of the process's whole group, every interval (cpu_percent null at the first sample). */
  'process:stats': { process: string; cpu_percent: number | null; rss_bytes: number; processes: number };
  /** process-monitor: a limit held for its duration; `action` is what the pitfile asks (a restart or stop follows). */
  'process:limit': { process: string; kind: 'memory' | 'cpu'; value: number; limit: number; for_ms: number; action: LimitAction; reason: string };
  /** heartbeat: the heartbeat file cannot be written (said once until it is again). */
  'heartbeat:write-error': { code: string; message: string };
  'heartbeat:write-resumed': { file: string };
}

/** The event types a plugin may emit flat; any other name it makes up is a custom:event. */
export const pluginEventTypes = [
  'process:import-error', 'process:install', 'process:stats', 'process:limit',
  'heartbeat:write-error', 'heartbeat:write-resumed',
] as const satisfies readonly (keyof PluginPayloads)[];
// Fails to compile when a PluginPayloads key is missing from pluginEventTypes.
const everyPluginTypeListed: Exclude<keyof PluginPayloads, (typeof pluginEventTypes)[number]> extends never ? true : never = true;
void everyPluginTypeListed;

/** Whether a plugin may emit `type` flat. */
export const isPluginEventType = (type: string): type is (typeof pluginEventTypes)[number] => (pluginEventTypes as readonly string[]).includes(type);
