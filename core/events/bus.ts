// The one bus every part talks through: supervisors and watchers publish,
// reactions, the CLI and (later) plugins and the journal subscribe.
import { eventName, type EventType, type PitEvent, type Payloads, type EventOf } from './catalog.js';
import { matchesPattern, parsePattern } from './match.js';

type Handler = (e: PitEvent) => void;

export class EventBus {
  #subs: { segments: string[]; handler: Handler; passive: boolean }[] = [];

  /** Publish an event; `at` defaults to now. Handlers run synchronously, in order. */
  publish<K extends EventType>(type: K, subject: string, payload: Payloads[K], at = Date.now()): EventOf<K> {
    const e = { type, subject, at, ...payload } as unknown as EventOf<K>;
    const name = eventName(e);
    for (const s of this.#subs) {
      if (!matchesPattern(s.segments, name)) continue;
      // A subscriber that throws must not stop the others or the publisher.
      try {
        s.handler(e);
      } catch (err) {
        queueMicrotask(() => {
          throw err;
        });
      }
    }
    return e;
  }

  /** Whether anything listens for events named `name` (so costly events can be skipped). */
  wants(name: string): boolean {
    return this.#subs.some((s) => !s.passive && matchesPattern(s.segments, name));
  }

  /**
   * Call `handler` for every event matching `pattern`; returns an unsubscribe.
   * A `passive` subscriber (the journal) takes what is published but does not
   * make costly events (output lines) be published for it.
   */
  on(pattern: string, handler: Handler, opts: { passive?: boolean } = {}): () => void {
    const parsed = parsePattern(pattern);
    if ('error' in parsed) throw new Error(`bad event pattern "${pattern}": ${parsed.error}`);
    const sub = { segments: parsed.segments, handler, passive: opts.passive ?? false };
    this.#subs.push(sub);
    return () => {
      this.#subs = this.#subs.filter((s) => s !== sub);
    };
  }

  /**
   * The next event matching `pattern` (and `where`), failing after `withinMs`
   * with a message that names what was awaited.
   */
  next(pattern: string, opts: { withinMs?: number; where?: (e: PitEvent) => boolean } = {}): Promise<PitEvent> {
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
