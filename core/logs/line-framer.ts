// Turns a stream's chunks into whole lines, without splitting or merging
// any: a partial line waits for the rest, and a line longer than
// MAX_LINE_BYTES is cut into pieces flagged as continued, so a child that
// never prints a newline cannot make the engine buffer without bound.
// Works on bytes: binary and invalid UTF-8 pass through untouched.

export const MAX_LINE_BYTES = 64 * 1024;
const NL = 0x0a;

/** Lines of one chunk: `lines` end in "\n"; `continued[i]` marks a cut piece that goes on in the next. */
export interface Framed {
  lines: Buffer[];
  continued: boolean[];
}

export class LineFramer {
  #carry: Buffer | null = null;

  /** The complete lines `chunk` finishes. */
  push(chunk: Buffer): Framed {
    const out: Framed = { lines: [], continued: [] };
    let data = this.#carry ? Buffer.concat([this.#carry, chunk]) : chunk;
    this.#carry = null;
    let start = 0;
    for (;;) {
      const nl = data.indexOf(NL, start);
      const end = nl === -1 ? data.length : nl + 1;
      // A piece longer than the limit is cut, newline or not.
      if (end - start > MAX_LINE_BYTES) {
        out.lines.push(Buffer.concat([data.subarray(start, start + MAX_LINE_BYTES), Buffer.from('\n')]));
        out.continued.push(true);
        start += MAX_LINE_BYTES;
        continue;
      }
      if (nl === -1) break;
      out.lines.push(data.subarray(start, end));
      out.continued.push(false);
      start = end;
    }
    // Copy the rest: keeping a view would pin the whole chunk in memory.
    if (start < data.length) this.#carry = Buffer.from(data.subarray(start));
    return out;
  }

  /** The unfinished last line, completed with "\n", when the stream ends. */
  end(): Framed {
    const rest = this.#carry;
    this.#carry = null;
    return rest ? { lines: [Buffer.concat([rest, Buffer.from('\n')])], continued: [false] } : { lines: [], continued: [] };
  }
}
