// Cuts one stream's chunks into whole lines, without splitting or merging
// any: a partial line waits for the rest, and a line longer than
// MAX_LINE_BYTES is cut into pieces, so a child that never prints a newline
// cannot make the engine buffer without bound. Works on bytes only (binary
// and invalid UTF-8 pass through untouched) and reports lines as offsets,
// so the hot path allocates nothing per line. Nor per chunk: the bytes
// that wait for the rest of their line, and the lines linesOf() joins, go
// into buffers kept for the purpose, since a Buffer made per chunk lives
// until V8 collects garbage, and a flood makes little garbage for V8 to
// notice (each 64 KiB copy counted towards the engine's peak RSS).

export const MAX_LINE_BYTES = 64 * 1024;
const NL = 0x0a;

/**
 * The lines one chunk completes, as offsets into the chunk (`data`): line 0
 * is `carried` + `data[0, ends[0])`, line i is `data[ends[i - 1], ends[i])`.
 * A line ends in "\n", except a piece cut from a longer line (continued by
 * the next line) and, after `end()`, the stream's unterminated last line.
 * Nothing is joined: the log file copies the carried bytes next to the
 * chunk it copies anyway, so the common case allocates nothing. All of it
 * is valid until the splitter's next call, no longer.
 */
export interface Split {
  /** The start of line 0, carried from earlier chunks (at most MAX_LINE_BYTES); the splitter's own buffer. */
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
  // What waits is #carry[0, #carried). Two buffers: the rest of a chunk goes
  // into #spare while the Split returned still shows #carry, then they swap.
  #carry: Buffer | null = null;
  #spare: Buffer | null = null;
  #carried = 0;
  #ends = new Uint32Array(256); // grows to the most lines a chunk held

  /** The lines `chunk` completes; the rest of it waits for the next chunk (copied: `chunk` may be reused). */
  push(chunk: Buffer): Split {
    const carried = this.#carried > 0 ? this.#carry!.subarray(0, this.#carried) : null;
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
    // Copy the rest: the chunk is a read buffer the next read reuses.
    if (count === 0) {
      // Nothing completed (so nothing cut, and it all fits in MAX_LINE_BYTES): it all waits.
      this.#carry = room(this.#carry, this.#carried + chunk.length, this.#carried);
      chunk.copy(this.#carry, this.#carried);
      this.#carried += chunk.length;
      return { carried: null, data: chunk, count, ends: this.#ends, ended: false };
    }
    const rest = chunk.length - start;
    if (rest > 0) {
      this.#spare = room(this.#spare, rest, 0);
      chunk.copy(this.#spare, 0, start);
      [this.#carry, this.#spare] = [this.#spare, this.#carry];
      this.#carried = rest;
    } else this.#forget();
    return { carried, data: chunk, count, ends: this.#ends, ended: false };
  }

  /** The unterminated last line, if any, when the stream ends. */
  end(): Split {
    const rest = this.#carried > 0 ? this.#carry!.subarray(0, this.#carried) : null;
    this.#forget();
    if (rest) this.#ends[0] = rest.length;
    return { carried: null, data: rest ?? Buffer.alloc(0), count: rest ? 1 : 0, ends: this.#ends, ended: true };
  }

  /**
   * Nothing waits: let the buffers go. A stream whose lines span chunks
   * (a flood) keeps them from chunk to chunk; one that prints whole lines
   * holds none.
   */
  #forget(): void {
    this.#carry = this.#spare = null;
    this.#carried = 0;
  }

  #grow(): void {
    const bigger = new Uint32Array(this.#ends.length * 2);
    bigger.set(this.#ends);
    this.#ends = bigger;
  }
}

/** `buf` if it holds `bytes`, else a larger buffer with its first `keep` bytes. */
function room(buf: Buffer | null, bytes: number, keep: number): Buffer {
  if (buf && buf.length >= bytes) return buf;
  // Doubling, up to the most that can wait: a long line arriving in small chunks grows it a few times, not per chunk.
  const bigger = Buffer.allocUnsafe(Math.min(MAX_LINE_BYTES, Math.max(bytes, 2 * (buf?.length ?? 0), 256)));
  if (buf && keep > 0) buf.copy(bigger, 0, 0, keep);
  return bigger;
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

/** The output bytes of the complete lines in `split`, without the "\n" a cut piece or an unterminated last line would get. */
export function splitBytes(split: Split): number {
  return split.count === 0 ? 0 : (split.carried?.length ?? 0) + split.ends[split.count - 1];
}

/**
 * The lines of `split` as Buffers, each ending in "\n" (one is added to a
 * cut piece and to an unterminated last line): views of the chunk, and of
 * one buffer for the lines that had to be joined. Valid until the next
 * call or the next read, whichever comes first: copy what must be kept.
 * Costs one object per line, so only for callers that asked for lines.
 */
export function linesOf(split: Split): Buffer[] {
  const { carried, data, count, ends } = split;
  // Joined: line 0 after carried bytes, and every line without its own "\n".
  let joined = 0;
  for (let i = 0, start = 0; i < count; start = ends[i++]) {
    const open = isOpen(split, i);
    if (open || (i === 0 && carried)) joined += (i === 0 && carried ? carried.length : 0) + ends[i] - start + (open ? 1 : 0);
  }
  if (joinBuffer.length < joined) joinBuffer = Buffer.allocUnsafe(Math.max(joined, 2 * joinBuffer.length));
  const lines = new Array<Buffer>(count);
  let at = 0;
  for (let i = 0, start = 0; i < count; start = ends[i++]) {
    const open = isOpen(split, i);
    if (!open && !(i === 0 && carried)) {
      lines[i] = data.subarray(start, ends[i]);
      continue;
    }
    const from = at;
    if (i === 0 && carried) at += carried.copy(joinBuffer, at);
    at += data.copy(joinBuffer, at, start, ends[i]);
    if (open) joinBuffer[at++] = NL;
    lines[i] = joinBuffer.subarray(from, at);
  }
  return lines;
}

// Kept at the most one chunk's joins needed (about two pieces of a long line, 128 KiB).
let joinBuffer = Buffer.allocUnsafe(0);
