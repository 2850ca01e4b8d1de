// Every event Pit publishes, with its payload. Events are plain JSON: they
// cross worker threads and land in the journal. An event's name is
// `${kind}:${subject}:${what}` (process:api:exit); `type` is `${kind}:${what}`.
// The built-in plugins' events are declared in plugin-payloads.ts and merged
// in here: they are published flat like the core's.
import { pluginEventTypes, type PluginPayloads } from './plugin-payloads.js';
import type { PitErrorCode } from '../errors.js';

/** A supervised process's state (supervisord's model); `waiting`: held back by depends_on. */
export type ProcessState = 'waiting' | 'stopped' | 'starting' | 'running' | 'stopping' | 'exited' | 'backoff' | 'fatal';

export interface Payloads extends PluginPayloads {
  'process:state': {
    process: string;
    from: ProcessState;
    to: ProcessState;
    pid: number | null;
    exit_code: number | null;
    signal: string | null;
    /** Why, in words: what a person, reaction, limit, probe or reload asked, a crash, what it waits for. */
    reason: string | null;
    /** Set on the stopping of a restart: the process is to start again. */
    restart?: true;
  };
  /** caused_by_engine: the engine ended it (a stop, restart, reload, limit or health restart), so it is no failure of its own. */
  'process:exit': { process: string; pid: number; exit_code: number | null; signal: string | null; uptime_ms: number; caused_by_engine: boolean };
  'process:healthy': { process: string };
  'process:unhealthy': { process: string; failures: number; reason: string };
  /** Its heartbeat_file went older than max_age. */
  'process:stale': { process: string; reason: string };
  'process:error': { process: string; code: string; message: string };
  /** One output line; published only while something subscribes to it. */
  'process:stdout': { process: string; line: string };
  'process:stderr': { process: string; line: string };
  'engine:orphan': { process: string; pid: number; outcome: string };
  'engine:log-error': { process: string; code: string; message: string };
  /** A file watcher cannot see part of its paths (each kind of failure once). */
  'engine:watch-error': { watcher: string; code: string; message: string; fix: string | null };
  /** Its log file is written again after a log-error; `lost_bytes` of output missed it (a marker line in the log says so too). */
  'engine:log-resumed': { process: string; lost_bytes: number; message: string };
  /** Part of the state directory (subject: journal, pids) cannot be written; supervision goes on and it is retried (unless `fix` says what a person must do). */
  'engine:state-error': { part: string; code: string; message: string; fix?: string | null };
  /** That part is written again. */
  'engine:state-resumed': { part: string; message: string };
  /** A burst of changes under a file watcher, as one event. */
  'file:change': { watcher: string; paths: string[]; changes: { path: string; kind: 'add' | 'change' | 'unlink' }[] };
  'cron:tick': { watcher: string; scheduled_for: string; late_ms: number };
  'config:reloaded': { file: string; added: string[]; removed: string[]; changed: string[] };
  /** A reload changed settings bound at start (settings.dashboard, …): they apply once the engine restarts. */
  'config:restart-needed': { file: string; settings: string[] };
  'config:invalid': { file: string; errors: { code: string; file: string | null; line: number | null; column: number | null; path: string | null; message: string }[] };
  /** `code`: the PIT_E_* of the failure (docs/errors.md says how to fix it). */
  'reaction:failed': { reaction: string; action: string; code: PitErrorCode; message: string };
  'reaction:suspended': { reaction: string; /** The subject of the events that fired it too often; it still reacts to others. */ source: string; fires: number; window_ms: number };
  /**
   * A reaction's action ran: a run action's command ended (exit_code, log),
   * or a start/stop/restart action is about to act (command "restart api",
   * published first so the state changes it causes name it as their cause).
   */
  'reaction:run': { reaction: string; action: string; command: string; exit_code: number | null; signal: string | null; duration_ms: number; log: string | null };
  /** hook: load, setup, onEvent, action, tick, teardown, emit or request; code: a PIT_E_PLUGIN_* code. */
  'plugin:error': { plugin: string; hook: string; code: PitErrorCode; message: string };
  'plugin:disabled': { plugin: string; failures: number };
  /** An event a reaction's emit action (or a team's plugin) made up, under a name no part of Pit declares: its name is `name`. */
  'custom:event': { name: string; data: Record<string, unknown> };
  /**
   * A coding agent called a tool of `engine mcp` (subject: the tool), with
   * its arguments; allowed: false when it was refused (a control tool
   * without --allow-control). client: the agent as it names itself.
   */
  'mcp:call': { tool: string; arguments: Record<string, unknown>; allowed: boolean; client: string | null };
}

export type EventType = keyof Payloads;

/**
 * What every event carries besides its payload: `id`, given by the bus at
 * publish; `cause`, the id of the event that led to this one; `reason`, why
 * in a few words ("src/app.py changed (reaction reaction-1 on file:code:change)").
 */
export interface EventMeta {
  id: string;
  cause?: string | null;
  reason?: string | null;
}

/** What a publisher may say of an event's origin (the bus fills in the id). */
export interface Caused {
  cause?: string | null;
  reason?: string | null;
}

export type PitEvent = {
  [K in EventType]: { type: K; subject: string; at: number } & EventMeta & Payloads[K];
}[EventType];

export type EventOf<K extends EventType> = Extract<PitEvent, { type: K }>;

/** The full name patterns match against: kind:subject:what, or kind:what for engine-wide events (config:reloaded). */
export function eventName(e: PitEvent): string {
  if (e.type === 'custom:event') return e.name;
  const [kind, what] = e.type.split(':');
  return e.subject ? `${kind}:${e.subject}:${what}` : `${kind}:${what}`;
}

/**
 * Every event type above, at run time (a pitfile's `on:` is checked against
 * it); `satisfies` and the check below keep it and Payloads the same set.
 */
export const eventTypes = [
  'process:state', 'process:exit', 'process:healthy', 'process:unhealthy', 'process:stale', 'process:error',
  'process:stdout', 'process:stderr',
  'engine:orphan', 'engine:log-error', 'engine:watch-error', 'engine:log-resumed', 'engine:state-error', 'engine:state-resumed',
  'file:change', 'cron:tick',
  'config:reloaded', 'config:restart-needed', 'config:invalid',
  'reaction:failed', 'reaction:suspended', 'reaction:run',
  'plugin:error', 'plugin:disabled',
  'custom:event',
  'mcp:call',
  ...pluginEventTypes,
] as const satisfies readonly EventType[];
// Fails to compile when a Payloads key is missing from eventTypes.
const everyTypeListed: Exclude<EventType, (typeof eventTypes)[number]> extends never ? true : never = true;
void everyTypeListed;

/** Whether `type` is declared here (a name of another kind:what is a custom:event). */
export const isEventType = (type: string): type is EventType => (eventTypes as readonly string[]).includes(type);

/** The event types of one kind. */
type TypesOfKind<K extends string> = Extract<EventType, `${K}:${string}`>;

/** The types a three-segment pattern kind:subject:what can match. */
type TypesMatching3<K extends string, W extends string> = K extends '*'
  ? W extends '*'
    ? EventType
    : Extract<EventType, `${string}:${W}`> | 'custom:event'
  : W extends '*'
    ? TypesOfKind<K> | 'custom:event'
    : `${K}:${W}` extends EventType
      ? `${K}:${W}`
      : 'custom:event';

/** The types a pattern can match; a two-segment kind:x matches kind:x:* and the subjectless kind:x alike. */
type TypesMatching<P extends string> = P extends `${infer K}:${string}:${infer W}`
  ? TypesMatching3<K, W>
  : P extends `${infer K}:${string}`
    ? K extends '*'
      ? EventType
      : TypesOfKind<K> | 'custom:event'
    : EventType;

/**
 * The events a pattern can match, read from its text as chokidar types its
 * listeners: "process:*:exit" gives process:exit events, "cron:nightly"
 * cron events (or a custom one of that kind), a name Pit does not declare a
 * custom:event. Sound because a declared name is never published as a
 * custom:event (the emit action and the plugin host refuse it). A pattern
 * known only at run time gives any event.
 */
export type EventMatching<P extends string> = string extends P ? PitEvent : EventOf<TypesMatching<P>>;

/** What a plugin passes to ctx.emit for a name: a declared plugin event's payload (its process is the name's subject), else any JSON object. */
export type EmitData<N extends string> = string extends N
  ? Record<string, unknown>
  : N extends `${infer K}:${string}:${infer W}`
    ? `${K}:${W}` extends (typeof pluginEventTypes)[number]
      ? Omit<Payloads[`${K}:${W}`], 'process'> & { process?: string }
      : `${K}:${W}` extends EventType
        ? never // the engine's own: a plugin cannot publish it
        : Record<string, unknown>
    : Record<string, unknown>;
