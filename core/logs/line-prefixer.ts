// Puts a prefix before every line of a chunk ("<time> out | " for the log
// file, "api | " for a terminal) and hands the result over in large
// batches. This is the hot path of log capture: a child writing as fast as
// it can sends ~650 lines per 64 KiB chunk, so nothing here is per-line
// but two copyWithin calls.
import { MAX_LINE_BYTES, type Split } from './line-splitter.js';

/** Where prefixed lines go, batch by batch. */
export interface PrefixTarget {
  /** How many bytes the next batch may hold; a line larger than that still goes, alone. */
  room(): number;
  /**
   * Take bytes [start, end) of `buf`, valid only during the call (the buffer
   * is reused). `nextBytes`: the size of the line that did not fit, 0 at
   * the end of the chunk.
   */
  take(buf: Buffer, start: number, end: number, nextBytes: number): void;
}

const NL = 0x0a;
const BATCH_BYTES = 256 * 1024;

/** Reusable: one instance may serve many streams, as long as `take` does not call back into it. */
export class LinePrefixer {
  // Prefixes, carried bytes, chunk and output all live in one buffer, so
  // each line moves with copyWithin: Buffer.copy and subarray would create
  // a view object per line.
  #scratch = Buffer.allocUnsafe(0);
  #in = 0;
  #out = 0;

  /**
   * Prefix each line of `split` with `head`, or with `continuedHead` when it
   * is a piece cut from a longer line that the next line continues; a line
   * without "\n" of its own gets one.
   */
  write(split: Split, head: Buffer, continuedHead: Buffer, target: PrefixTarget): void {
    const { carried, data, count, ends, ended } = split;
    if (count === 0) return;
    const H = head.length;
    const C = continuedHead.length;
    const s = this.#fit(H + C, data.length);
    s.set(head, 0);
    s.set(continuedHead, H);
    const IN = this.#in;
    s.set(data, IN);
    if (carried) s.set(carried, IN - carried.length);
    const out = this.#out;
    let at = out;
    let limit = out + Math.min(target.room(), BATCH_BYTES);
    let start = carried ? -carried.length : 0;
    for (let i = 0; i < count; i++) {
      const end = ends[i];
      // No "\n" of its own: a cut piece, or the stream's unterminated last
      // line. (ends[0] is 0 when line 0 is all carried bytes: a cut piece.)
      const open = end === 0 || data[end - 1] !== NL;
      const cut = open && !ended;
      const hAt = cut ? H : 0;
      const hLen = cut ? C : H;
      const need = hLen + end - start + (open ? 1 : 0);
      if (at + need > limit) {
        target.take(s, out, at, need);
        at = out;
        limit = out + Math.max(Math.min(target.room(), BATCH_BYTES), need);
      }
      s.copyWithin(at, hAt, hAt + hLen);
      s.copyWithin(at + hLen, IN + start, IN + end);
      at += hLen + end - start;
      if (open) s[at++] = NL;
      start = end;
    }
    target.take(s, out, at, 0);
  }

  /** The scratch buffer, grown to hold the prefixes, a chunk and a batch of output. */
  #fit(headsBytes: number, chunkBytes: number): Buffer {
    this.#in = headsBytes + MAX_LINE_BYTES;
    this.#out = this.#in + chunkBytes;
    // A batch may be one line larger than BATCH_BYTES: its prefix, 64 KiB and "\n".
    const size = this.#out + BATCH_BYTES + headsBytes + MAX_LINE_BYTES + 1;
    if (this.#scratch.length < size) this.#scratch = Buffer.allocUnsafe(size);
    return this.#scratch;
  }
}
