// A process's log file: each line stamped with the time and its stream,
//   2026-11-24T15:01:02.123Z out | hello
//   2026-11-24T15:01:02.123Z err | boom
//   2026-11-24T15:01:02.124Z out+| first 64 KiB of a longer line…
//   2026-11-24T15:01:02.124Z out | …and the rest of it
// "+" after the tag marks a piece cut from a line longer than 64 KiB: the
// next line of that stream continues it (join them to get the line back).
// Rotated by size (rotate.ts). Lines of one chunk arrived at one instant,
// so they share one timestamp, and they are written with one write
// (line-prefixer.ts). Writes are synchronous: the order of chunks is the
// order in the file, and a slow disk slows the reads of the pipe (the
// child waits) rather than letting memory grow.
//
// A write that fails (a full disk, a folder made unwritable) turns the file
// off: the lines go on to the terminal, and the bytes that miss the file
// are counted. The file is tried again every RETRY_MS; the first write that
// succeeds is a marker line saying how much was lost,
//   2026-11-24T15:01:09.000Z pit | 48213 bytes of output not logged (…)
// The "pit" tag is the engine's own: a child's output is always out or err.
import { closeSync, fstatSync, mkdirSync, readSync, writeSync } from 'node:fs';
import { APPEND_READ, openPrivate } from '../private-file.js';
import { dirname } from 'node:path';
import { errors, type PitError } from '../errors.js';
import { splitBytes, type Split } from './line-splitter.js';
import { LinePrefixer, type PrefixTarget } from './line-prefixer.js';
import { rotateLogFiles } from './rotate.js';

export type StreamTag = 'out' | 'err';

/** How often a file that failed is tried again: logging resumes this soon after space returns. */
export const RETRY_MS = 250;

export interface LogFileOptions {
  maxBytes: number;
  /** Rotated files kept: name.log.1 (newest) … name.log.<keep>; 0 truncates. */
  keep: number;
  /** Called once (PIT_E_LOG_WRITE) when the file cannot be written; it is then retried every RETRY_MS. */
  onError(error: PitError): void;
  /** Called when writing works again, with the bytes of output that missed the file meanwhile. */
  onResume?(lostBytes: number, marker: string): void;
}

const HEAD = 31; // "2026-11-24T15:01:02.123Z out | "

// One for every log file: its scratch buffer (~400 KiB) is only in use
// during a synchronous write, so a hundred processes need not hold a
// hundred of them.
const prefixer = new LinePrefixer();

export class LogFile {
  #fd: number | null = null;
  #size = 0;
  #off = false;
  /** While off: output bytes dropped, since when and why; and the retry timer. */
  #lost = { bytes: 0, sinceMs: 0, reason: '' };
  #retry: NodeJS.Timeout | null = null;
  // Rewritten in place for each chunk: no allocation per write.
  readonly #head = Buffer.alloc(HEAD);
  readonly #continuedHead = Buffer.alloc(HEAD);
  /** What the heads say now: the millisecond and the stream. */
  #headMs = -1;
  #headTag: StreamTag | null = null;
  readonly #target: PrefixTarget = {
    room: () => this.opts.maxBytes - this.#size,
    take: (buf, start, end, nextBytes) => {
      let done = start;
      while (done < end) done += writeSync(this.#fd!, buf, done, end - done);
      this.#size += end - start;
      // Rotate at a line boundary; a line larger than max_size gets a file of its own.
      if (nextBytes > 0 && this.#size > 0 && this.#size + nextBytes > this.opts.maxBytes) this.#rotate(nextBytes);
    },
  };

  constructor(
    readonly path: string,
    private opts: LogFileOptions,
  ) {}

  /** Append the lines of `split` (one stream's chunk) as `tag`; synchronous, so order is kept. */
  write(tag: StreamTag, split: Split): void {
    if (split.count === 0) return;
    if (this.#off) {
      this.#lost.bytes += splitBytes(split);
      return;
    }
    try {
      if (this.#fd === null) this.#open();
      this.#write(tag, split);
    } catch (e) {
      // Part of this chunk may be in the file; all of it is counted as lost.
      this.#lost.bytes += splitBytes(split);
      this.#fail(e as NodeJS.ErrnoException);
    }
  }

  /** New limits (the pitfile was reloaded); the next write honours them. */
  configure(limits: { maxBytes: number; keep: number }): void {
    this.opts = { ...this.opts, ...limits };
  }

  /** Try the file again now after a failure (a new run of the process). */
  resume(): void {
    if (this.#off) this.#tryAgain();
  }

  /** Close the file and stop retrying it. */
  close(): void {
    if (this.#retry) clearInterval(this.#retry);
    this.#retry = null;
    this.#closeFd();
  }

  #closeFd(): void {
    if (this.#fd === null) return;
    try {
      closeSync(this.#fd);
    } catch { /* already closed */ }
    this.#fd = null;
  }

  #write(tag: StreamTag, split: Split): void {
    // Formatted once per millisecond and stream: a child writing a line at
    // a time is read every few tens of microseconds, and formatting the
    // time was a fifth of the work of such a read.
    const now = Date.now();
    if (now !== this.#headMs || tag !== this.#headTag) {
      const stamp = new Date(now).toISOString();
      this.#head.write(`${stamp} ${tag} | `, 0, HEAD, 'latin1');
      this.#continuedHead.write(`${stamp} ${tag}+| `, 0, HEAD, 'latin1');
      this.#headMs = now;
      this.#headTag = tag;
    }
    prefixer.write(split, this.#head, this.#continuedHead, this.#target);
  }

  #open(): void {
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    // Never through a link: one planted in .pit/logs would turn the child's output into a write elsewhere.
    this.#fd = openPrivate(this.path, APPEND_READ); // read too: #endsWithNewline reads the last byte
    this.#size = fstatSync(this.#fd).size;
  }

  #rotate(nextBytes: number): void {
    // Someone may have truncated the file (logrotate's copytruncate): trust its real size.
    this.#size = fstatSync(this.#fd!).size;
    if (this.#size === 0 || this.#size + nextBytes <= this.opts.maxBytes) return;
    this.#closeFd();
    rotateLogFiles(this.path, this.opts.keep);
    this.#open();
  }

  #fail(e: NodeJS.ErrnoException): void {
    // A full disk or an unwritable folder must not stop or block the child:
    // say so once, then count what misses the file (the terminal still gets
    // the lines) until a retry gets through.
    this.#closeFd();
    if (this.#off) return;
    this.#off = true;
    this.#lost = { bytes: this.#lost.bytes, sinceMs: Date.now(), reason: e.code ?? e.message };
    this.#retry = setInterval(() => this.#tryAgain(), RETRY_MS).unref();
    this.opts.onError(errors.PIT_E_LOG_WRITE(this.path, this.#lost.reason));
  }

  /** Write the marker line; if it gets through, the file is on again. */
  #tryAgain(): void {
    const { bytes, sinceMs, reason } = this.#lost;
    const marker = `${bytes} bytes of output not logged (${reason} from ${new Date(sinceMs).toISOString()})`;
    try {
      if (this.#fd === null) this.#open();
      // The failed write may have left half a line: the marker starts a line of its own.
      const head = this.#size > 0 && !this.#endsWithNewline() ? '\n' : '';
      const line = Buffer.from(`${head}${new Date().toISOString()} pit | ${marker}\n`);
      let done = 0;
      while (done < line.length) done += writeSync(this.#fd!, line, done, line.length - done);
      this.#size += line.length;
    } catch {
      this.#closeFd();
      // Still failing, already reported; a resume() after close() has no timer yet.
      this.#retry ??= setInterval(() => this.#tryAgain(), RETRY_MS).unref();
      return;
    }
    if (this.#retry) clearInterval(this.#retry);
    this.#retry = null;
    this.#off = false;
    this.#lost = { bytes: 0, sinceMs: 0, reason: '' };
    this.opts.onResume?.(bytes, marker);
  }

  #endsWithNewline(): boolean {
    const last = Buffer.alloc(1);
    return readSync(this.#fd!, last, 0, 1, this.#size - 1) === 1 && last[0] === 0x0a;
  }
}
