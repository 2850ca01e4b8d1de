// The end of one stream of a process's output, kept for the diagnosis at
// its exit. A traceback and what follows it fit in a few KiB; a process
// that floods its output only ever costs MAX_CHARS, and keeping a line costs
// a push (the dropped lines are cut off in batches, not one by one).

/** At most this much output (UTF-16 code units, so 256 KiB for ASCII) is kept per stream. */
export const MAX_CHARS = 256 * 1024;

export class OutputTail {
  #lines: string[] = [];
  #head = 0;
  #chars = 0;
  /** Lines dropped from the front since the process started: the first kept line's number is dropped + 1. */
  dropped = 0;

  push(line: string): void {
    this.#lines.push(line);
    this.#chars += line.length + 1;
    while (this.#chars > MAX_CHARS && this.#head < this.#lines.length - 1) {
      this.#chars -= this.#lines[this.#head].length + 1;
      // Let go of it now, not at the next compaction: 1,024 dropped 64 KiB
      // pieces of a long line would otherwise stay alive, 64 MiB of them.
      this.#lines[this.#head++] = '';
      this.dropped++;
    }
    // A single line longer than the budget keeps only its end.
    if (this.#chars > MAX_CHARS) {
      const only = this.#lines[this.#head];
      this.#lines[this.#head] = only.slice(only.length - MAX_CHARS + 1);
      this.#chars = MAX_CHARS;
    }
    if (this.#head > 1024 && this.#head * 2 > this.#lines.length) {
      this.#lines = this.#lines.slice(this.#head);
      this.#head = 0;
    }
  }

  /** The kept lines, oldest first. */
  lines(): string[] {
    return this.#lines.slice(this.#head);
  }

  /** How much is kept. */
  get chars(): number {
    return this.#chars;
  }
}
