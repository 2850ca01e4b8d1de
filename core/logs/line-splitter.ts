// Cuts one stream's chunks into whole lines, without splitting or merging
// any: a partial line waits for the rest, and a line longer than
// MAX_LINE_BYTES is cut into pieces, so a child that never prints a newline
// cannot make the engine buffer without bound. Works on bytes only (binary
// and invalid UTF-8 pass through untouched) and reports lines as offsets,
// so the hot path allocates nothing per line.

export const MAX_LINE_BYTES = 64 * 1024;
const NL = 0x0a;

/**
 * The lines one chunk completes, as offsets into the chunk (`data`): line 0
 * is `carried` + `data[0, ends[0])`, line i is `data[ends[i - 1], ends[i])`.
 * A line ends in "\n", except a piece cut from a longer line (continued by
 * the next line) and, after `end()`, the stream's unterminated last line.
 * Nothing is joined: the log file copies the carried bytes next to the
 * chunk it copies anyway, so the common case allocates nothing.
 */
export interface Split {
  /** The start of line 0, carried from earlier chunks (at most MAX_LINE_BYTES). */
  carried: Buffer | null;
  data: Buffer;
  count: number;
  /** Shared by successive calls: read it before the splitter's next call. */
  ends: Uint32Array;
  /** True for what `end()` returns: an unterminated line there is not continued. */
  ended: boolean;
}

/** Splits one stream (stdout or stderr): each stream needs its own, or lines of one would complete the other's. */
export class LineSplitter {
  #carry: Buffer | null = null;
  #ends = new Uint32Array(256); // grows to the most lines a chunk held

  /** The lines `chunk` completes; the rest of it waits for the next chunk. */
  push(chunk: Buffer): Split {
    const carried = this.#carry;
    this.#carry = null;
    const none = chunk.length; // "no newline up to the end"
    // Offsets are in the chunk; the carried bytes sit just before it.
    let start = carried ? -carried.length : 0;
    let count = 0;
    let nl = start - 1; // not searched yet
    for (;;) {
      // Search again only past the last newline found (or its absence): a
      // long line is cut into many pieces, and each must not rescan it.
      if (nl < start) {
        nl = chunk.indexOf(NL, Math.max(start, 0));
        if (nl === -1) nl = none;
      }
      const end = nl === none ? none : nl + 1;
      // Longer than the limit, newline or not: cut a piece.
      if (end - start > MAX_LINE_BYTES) start += MAX_LINE_BYTES;
      else if (nl !== none) start = end;
      else break;
      if (count === this.#ends.length) this.#grow();
      this.#ends[count++] = start;
    }
    // Copy the rest: a view would pin the whole chunk until the line ends.
    if (start < 0) this.#carry = Buffer.concat([carried!.subarray(carried!.length + start), chunk]);
    else if (start < chunk.length) this.#carry = Buffer.from(chunk.subarray(start));
    return { carried: count > 0 ? carried : null, data: chunk, count, ends: this.#ends, ended: false };
  }

  /** The unterminated last line, if any, when the stream ends. */
  end(): Split {
    const rest = this.#carry;
    this.#carry = null;
    if (rest) this.#ends[0] = rest.length;
    return { carried: null, data: rest ?? Buffer.alloc(0), count: rest ? 1 : 0, ends: this.#ends, ended: true };
  }

  #grow(): void {
    const bigger = new Uint32Array(this.#ends.length * 2);
    bigger.set(this.#ends);
    this.#ends = bigger;
  }
}

/** Whether line `i` of `split` lacks its own "\n" (a cut piece, or an unterminated last line). */
export function isOpen(split: Split, i: number): boolean {
  const end = split.ends[i];
  // ends[0] is 0 when line 0 is all carried bytes: a cut piece.
  return end === 0 || split.data[end - 1] !== NL;
}

/** Whether line `i` of `split` is a piece cut from a longer line that the next line continues. */
export function isContinued(split: Split, i: number): boolean {
  return !split.ended && isOpen(split, i);
}

/**
 * The lines of `split` as Buffers, each ending in "\n" (one is added to a
 * cut piece and to an unterminated last line). They stay valid: views of
 * the chunk, not of anything reused. Costs one object per line, so only
 * for callers that asked for lines.
 */
export function linesOf(split: Split): Buffer[] {
  const lines = new Array<Buffer>(split.count);
  let start = 0;
  for (let i = 0; i < split.count; i++) {
    const end = split.ends[i];
    const parts = [split.data.subarray(start, end)];
    if (i === 0 && split.carried) parts.unshift(split.carried);
    if (isOpen(split, i)) parts.push(newline);
    lines[i] = parts.length === 1 ? parts[0] : Buffer.concat(parts);
    start = end;
  }
  return lines;
}

const newline = Buffer.from('\n');
