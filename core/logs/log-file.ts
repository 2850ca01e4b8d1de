// A process's log file: each line stamped with the time and its stream
// ("2026-11-24T15:01:02.123Z out | text"), rotated by size. Lines of one
// chunk share one timestamp (they arrived together) and one write, which is
// what makes the per-line stamp affordable at hundreds of MB/s.
import { closeSync, openSync, renameSync, rmSync, writeSync, fstatSync } from 'node:fs';
import type { Framed } from './line-framer.js';

export type StreamTag = 'out' | 'err';

export interface LogFileOptions {
  maxBytes: number;
  /** Rotated files kept: name.log.1 (newest) … name.log.<keep>. */
  keep: number;
  /** Called once, on the first write that fails; the file then stays off. */
  onError(reason: string): void;
}

export class LogFile {
  #fd: number | null = null;
  #size = 0;
  #failed = false;

  constructor(
    readonly path: string,
    private readonly opts: LogFileOptions,
  ) {}

  /** Append framed lines of `tag`; writes are synchronous, so order is kept. */
  write(tag: StreamTag, framed: Framed): void {
    if (this.#failed || framed.lines.length === 0) return;
    const stamp = new Date().toISOString();
    const head = Buffer.from(`${stamp} ${tag} | `);
    const headMore = Buffer.from(`${stamp} ${tag}+| `);
    let total = 0;
    for (const l of framed.lines) total += head.length + l.length;
    const buf = Buffer.allocUnsafe(total);
    let at = 0;
    framed.lines.forEach((line, i) => {
      at += (framed.continued[i] ? headMore : head).copy(buf, at);
      at += line.copy(buf, at);
    });
    try {
      if (this.#fd === null) this.#open();
      if (this.#size > 0 && this.#size + total > this.opts.maxBytes) this.#rotate();
      let off = 0;
      while (off < total) off += writeSync(this.#fd!, buf, off, total - off);
      this.#size += total;
    } catch (e) {
      this.#failed = true;
      this.close();
      this.opts.onError((e as NodeJS.ErrnoException).code ?? String(e));
    }
  }

  close(): void {
    if (this.#fd !== null) {
      try {
        closeSync(this.#fd);
      } catch { /* already closed */ }
      this.#fd = null;
    }
  }

  #open(): void {
    this.#fd = openSync(this.path, 'a', 0o600);
    this.#size = fstatSync(this.#fd).size;
  }

  #rotate(): void {
    this.close();
    const { keep } = this.opts;
    if (keep === 0) rmSync(this.path, { force: true });
    else {
      rmSync(`${this.path}.${keep}`, { force: true });
      for (let i = keep - 1; i >= 1; i--) renameIfExists(`${this.path}.${i}`, `${this.path}.${i + 1}`);
      renameIfExists(this.path, `${this.path}.1`);
    }
    this.#open();
  }
}

function renameIfExists(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}
