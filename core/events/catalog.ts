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
  'process:exit': { process: string; pid: number; exit_code: number | null; signal: string | null; uptime_ms: number };
  'process:healthy': { process: string };
  'process:unhealthy': { process: string; failures: number; reason: string };
  'process:error': { process: string; code: string; message: string };
  'engine:orphan': { process: string; pid: number; outcome: string };
  'engine:log-error': { process: string; code: string; message: string };
}

export type EventType = keyof Payloads;

export type PitEvent = {
  [K in EventType]: { type: K; subject: string; at: number } & Payloads[K];
}[EventType];

export type EventOf<K extends EventType> = Extract<PitEvent, { type: K }>;

/** The full name patterns match against: kind:subject:what. */
export function eventName(e: Pick<PitEvent, 'type' | 'subject'>): string {
  const [kind, what] = e.type.split(':');
  return `${kind}:${e.subject}:${what}`;
}
