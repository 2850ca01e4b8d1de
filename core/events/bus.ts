// The one bus every part talks through: supervisors and watchers publish,
// reactions, the CLI and (later) plugins and the journal subscribe.
import { eventName, type Caused, type EventType, type PitEvent, type Payloads, type EventOf, type EventMatching } from './catalog.js';
import { matchesParts, parsePattern } from './match.js';

type Handler = (e: PitEvent) => void;

/** Told once per subscriber that throws: what it threw, on which event, and how it was subscribed. */
export type FaultReporter = (err: unknown, e: PitEvent, pattern: string) => void;

interface Sub {
  patterns: string[][];
  handler: Handler;
  passive: boolean;
  /** It threw before: said once, not again. */
  faulted: boolean;
}

/**
 * Every event from `EventBus.record()` on, for subscribers that arrive
 * later: the plugins, whose workers boot while the first processes start.
 */
export interface Recording {
  /** Events not kept because more than the limit came. */
  readonly dropped: number;
  /** Forget what was kept and keep nothing more. */
  stop(): void;
}

interface Kept {
  e: PitEvent;
  parts: string[];
}

export class EventBus {
  #subs: Sub[] = [];
  /**
   * Ids are this bus's start time (base 36) and a counter: unique across
   * the engine runs one journal holds, and free to make.
   */
  readonly #idPrefix = Date.now().toString(36);
  #lastId = 0;

  /**
   * `report` hears of a subscriber that throws. The throw goes no further:
   * one broken listener must not stop the others, the publisher (a
   * supervisor in the middle of a transition) or the engine.
   */
  constructor(private readonly report: FaultReporter = (err, e, pattern) => process.stderr.write(`internal error (please report): a listener of ${pattern} failed on ${eventName(e)}: ${(err as Error)?.stack ?? err}\n`)) {}

  /**
   * Publish an event; `at` defaults to now. Handlers run synchronously, in
   * order. `payload` may carry its `cause` and `reason` (left out when
   * absent), and an `id` from reserveId() for an event whose effects had to
   * name it before it was published (a reload's restarts).
   */
  publish<K extends EventType>(type: K, subject: string, payload: Payloads[K] & Caused & { id?: string }, at = Date.now()): EventOf<K> {
    const { id, cause, reason, ...rest } = payload as Payloads[K] & Caused & { id?: string };
    const e = { id: id ?? this.reserveId(), type, subject, at, ...rest } as unknown as EventOf<K> & Caused;
    if (cause) e.cause = cause;
    if (reason !== undefined && (reason !== null || type === 'process:state')) e.reason = reason;
    const parts = eventName(e).split(':');
    for (const s of this.#subs) {
      if (matchesAny(s.patterns, parts)) this.#deliver(s, e);
    }
    this.#recording?.keep(e, parts);
    return e;
  }

  /** A fresh event id, for publish() to use later. */
  reserveId(): string {
    return `${this.#idPrefix}-${++this.#lastId}`;
  }

  /** Whether anything listens for events named `name` (so costly events can be skipped). */
  wants(name: string): boolean {
    // A recording with room wants everything: a late subscriber may want output lines.
    if (this.#recording !== null && !this.#recording.full) return true;
    const parts = name.split(':');
    return this.#subs.some((s) => !s.passive && matchesAny(s.patterns, parts));
  }

  /**
   * Call `handler` once for every event matching `pattern` (or any of a
   * list), typed by the pattern (process:*:exit hands process:exit events);
   * returns an unsubscribe. A `passive` subscriber (the journal) takes
   * what is published but does not make costly events (output lines) be
   * published for it. With `since`, the handler first gets the matching
   * events of that recording, in the order they happened.
   */
  on<P extends string>(pattern: P | readonly P[], handler: (e: EventMatching<P>) => void, opts: { passive?: boolean; since?: Recording } = {}): () => void {
    const patterns = (typeof pattern === 'string' ? [pattern] : pattern).map((text) => {
      const parsed = parsePattern(text);
      if ('error' in parsed) throw new Error(`bad event pattern "${text}": ${parsed.error}`);
      return parsed.segments;
    });
    // The bus matched the pattern, so the event is one EventMatching<P> allows (catalog.ts).
    const sub: Sub = { patterns, handler: handler as Handler, passive: opts.passive ?? false, faulted: false };
    if (opts.since && opts.since === this.#recording) {
      for (const { e, parts } of this.#recording.kept) if (matchesAny(patterns, parts)) this.#deliver(sub, e);
    }
    this.#subs.push(sub);
    return () => {
      this.#subs = this.#subs.filter((s) => s !== sub);
    };
  }

  #deliver(sub: Sub, e: PitEvent): void {
    try {
      sub.handler(e);
    } catch (err) {
      if (sub.faulted) return;
      sub.faulted = true;
      this.report(err, e, sub.patterns.map((p) => p.join(':')).join(', '));
    }
  }

  #recording: EventRecording | null = null;

  /** Keep every event from now on, at most `max`, until the recording stops; one recording at a time. */
  record(max: number): Recording {
    const recording = new EventRecording(max, () => {
      if (this.#recording === recording) this.#recording = null;
    });
    this.#recording = recording;
    return recording;
  }

  /**
   * The next event matching `pattern` (and `where`), failing after `withinMs`
   * with a message that names what was awaited.
   */
  next<P extends string>(pattern: P, opts: { withinMs?: number; where?: (e: EventMatching<P>) => boolean } = {}): Promise<EventMatching<P>> {
    const { withinMs = 10_000, where } = opts;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`timed out after ${withinMs}ms waiting for event ${pattern}`));
      }, withinMs);
      const off = this.on(pattern, (e) => {
        if (where && !where(e)) return;
        clearTimeout(timer);
        off();
        resolve(e);
      });
    });
  }
}

class EventRecording implements Recording {
  kept: Kept[] = [];
  dropped = 0;

  constructor(
    private readonly max: number,
    private readonly onStop: () => void,
  ) {}

  get full(): boolean {
    return this.kept.length >= this.max;
  }

  keep(e: PitEvent, parts: string[]): void {
    if (this.kept.length < this.max) this.kept.push({ e, parts });
    else this.dropped++;
  }

  stop(): void {
    this.kept = [];
    this.onStop();
  }
}

function matchesAny(patterns: readonly string[][], parts: readonly string[]): boolean {
  for (const segments of patterns) if (matchesParts(segments, parts)) return true;
  return false;
}

