// The events waiting for one plugin's worker, bounded by bytes and count so
// that what children print never decides the engine's memory: a plugin that
// reads stderr gets a piece for every 64 KiB of an unterminated line and an
// event for every short line, faster than a worker takes them. Over the
// bound, the oldest output lines are dropped (a matcher wants the newest:
// the traceback at the end); other events (an exit, a state change) are few
// and are kept, so a plugin still sees every exit after its lines.
import type { PitEvent } from '../events/catalog.js';

export interface QueueLimits {
  /** What may wait for the worker, in bytes (an output line counts its length). */
  maxBytes: number;
  maxEvents: number;
  /** One call takes at most this much, so the copy in flight is bounded too. */
  batchBytes: number;
}

/** What an event costs to keep: its line for output events, a flat guess for the rest. */
export function sizeOf(e: PitEvent): number {
  const OBJECT_BYTES = 200;
  return e.type === 'process:stdout' || e.type === 'process:stderr' ? OBJECT_BYTES + e.line.length * 2 : OBJECT_BYTES;
}

function isLine(e: PitEvent): boolean {
  return e.type === 'process:stdout' || e.type === 'process:stderr';
}

export class EventQueue {
  #items: ({ e: PitEvent; bytes: number } | null)[] = [];
  #head = 0;
  /** Where the search for the oldest line to drop resumes (before it: none left). */
  #scan = 0;
  #bytes = 0;
  #count = 0;
  /** Events dropped since the queue was made. */
  dropped = 0;

  constructor(private readonly limits: QueueLimits) {}

  get size(): number {
    return this.#count;
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** Add `e`; false when something was dropped to make room (or `e` itself did not fit). */
  push(e: PitEvent): boolean {
    const bytes = sizeOf(e);
    const before = this.dropped;
    if (!isLine(e) && this.#count >= this.limits.maxEvents) {
      // Only non-line events left, and too many: the newest is the one to go.
      if (!this.#dropOldestLine()) {
        this.dropped++;
        return false;
      }
    }
    this.#items.push({ e, bytes });
    this.#bytes += bytes;
    this.#count++;
    while ((this.#bytes > this.limits.maxBytes || this.#count > this.limits.maxEvents) && this.#dropOldestLine());
    // Dropped slots are holes: squeeze them out before they outnumber the events.
    if (this.#items.length - this.#head > 2 * this.#count + 4096) this.#squeeze();
    return this.dropped === before;
  }

  /** Take the oldest events, up to the batch size (at least one). */
  take(): PitEvent[] {
    const out: PitEvent[] = [];
    let bytes = 0;
    while (this.#head < this.#items.length) {
      const item = this.#items[this.#head];
      if (item) {
        if (out.length > 0 && bytes + item.bytes > this.limits.batchBytes) break;
        out.push(item.e);
        bytes += item.bytes;
        this.#bytes -= item.bytes;
        this.#count--;
      }
      this.#items[this.#head++] = null;
    }
    this.#compact();
    return out;
  }

  #dropOldestLine(): boolean {
    for (let i = Math.max(this.#scan, this.#head); i < this.#items.length; i++) {
      const item = this.#items[i];
      if (item && isLine(item.e)) {
        this.#items[i] = null;
        this.#bytes -= item.bytes;
        this.#count--;
        this.dropped++;
        this.#scan = i + 1;
        return true;
      }
    }
    this.#scan = this.#items.length;
    return false;
  }

  #squeeze(): void {
    this.#items = this.#items.slice(this.#head).filter((item) => item !== null);
    this.#head = this.#scan = 0;
  }

  /** Forget the taken slots once they are most of the array. */
  #compact(): void {
    if (this.#head === this.#items.length) {
      this.#items = [];
      this.#head = this.#scan = 0;
    } else if (this.#head > 4096 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#scan = Math.max(0, this.#scan - this.#head);
      this.#head = 0;
    }
  }
}
