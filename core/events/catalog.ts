// Every event Pit publishes, with its payload. Events are plain JSON: they
// cross worker threads and land in the journal. An event's name is
// `${kind}:${subject}:${what}` (process:api:exit); `type` is `${kind}:${what}`.

/** A supervised process's state (supervisord's model). */
export type ProcessState = 'stopped' | 'starting' | 'running' | 'stopping' | 'exited' | 'backoff' | 'fatal';

export interface Payloads {
  'process:state': {
    process: string;
    from: ProcessState;
    to: ProcessState;
    pid: number | null;
    exit_code: number | null;
    signal: string | null;
    /** Why, in words, for transitions a person should understand (fatal, spawn failure). */
    reason: string | null;
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
  /** A burst of changes under a file watcher, as one event. */
  'file:change': { watcher: string; paths: string[]; changes: { path: string; kind: 'add' | 'change' | 'unlink' }[] };
  'cron:tick': { watcher: string; scheduled_for: string; late_ms: number };
  'config:reloaded': { file: string; added: string[]; removed: string[]; changed: string[] };
  'config:invalid': { file: string; errors: { code: string; file: string | null; line: number | null; column: number | null; path: string | null; message: string }[] };
  'reaction:failed': { reaction: string; action: string; message: string };
  'reaction:suspended': { reaction: string; fires: number; window_ms: number };
  /** A run action's command ended. */
  'reaction:run': { reaction: string; command: string; exit_code: number | null; signal: string | null; duration_ms: number; log: string };
  'plugin:error': { plugin: string; hook: string; message: string };
  'plugin:disabled': { plugin: string; failures: number };
  /** An event a reaction's emit action made up: its name is `name`. */
  'custom:event': { name: string; data: Record<string, unknown> };
}

export type EventType = keyof Payloads;

export type PitEvent = {
  [K in EventType]: { type: K; subject: string; at: number } & Payloads[K];
}[EventType];

export type EventOf<K extends EventType> = Extract<PitEvent, { type: K }>;

/** The full name patterns match against: kind:subject:what, or kind:what for engine-wide events (config:reloaded). */
export function eventName(e: PitEvent): string {
  if (e.type === 'custom:event') return e.name;
  const [kind, what] = e.type.split(':');
  return e.subject ? `${kind}:${e.subject}:${what}` : `${kind}:${what}`;
}
