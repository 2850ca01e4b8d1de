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
import { closeSync, fstatSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { errors, type PitError } from '../errors.js';
import type { Split } from './line-splitter.js';
import { LinePrefixer, type PrefixTarget } from './line-prefixer.js';
import { rotateLogFiles } from './rotate.js';

export type StreamTag = 'out' | 'err';

export interface LogFileOptions {
  maxBytes: number;
  /** Rotated files kept: name.log.1 (newest) … name.log.<keep>; 0 truncates. */
  keep: number;
  /** Called once (PIT_E_LOG_WRITE) when the file cannot be written; it then stays off until resume(). */
  onError(error: PitError): void;
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
  // Rewritten in place for each chunk: no allocation per write.
  readonly #head = Buffer.alloc(HEAD);
  readonly #continuedHead = Buffer.alloc(HEAD);
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
    if (this.#off || split.count === 0) return;
    try {
      if (this.#fd === null) this.#open();
      this.#write(tag, split);
    } catch (e) {
      this.#fail(e as NodeJS.ErrnoException);
    }
  }

  /** New limits (the pitfile was reloaded); the next write honours them. */
  configure(limits: { maxBytes: number; keep: number }): void {
    this.opts = { ...this.opts, ...limits };
  }

  /** Try the file again after a failure (a new run of the process). */
  resume(): void {
    this.#off = false;
  }

  close(): void {
    if (this.#fd === null) return;
    try {
      closeSync(this.#fd);
    } catch { /* already closed */ }
    this.#fd = null;
  }

  #write(tag: StreamTag, split: Split): void {
    const stamp = new Date().toISOString();
    this.#head.write(`${stamp} ${tag} | `, 0, HEAD, 'latin1');
    this.#continuedHead.write(`${stamp} ${tag}+| `, 0, HEAD, 'latin1');
    prefixer.write(split, this.#head, this.#continuedHead, this.#target);
  }

  #open(): void {
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    this.#fd = openSync(this.path, 'a', 0o600);
    this.#size = fstatSync(this.#fd).size;
  }

  #rotate(nextBytes: number): void {
    // Someone may have truncated the file (logrotate's copytruncate): trust its real size.
    this.#size = fstatSync(this.#fd!).size;
    if (this.#size === 0 || this.#size + nextBytes <= this.opts.maxBytes) return;
    this.close();
    rotateLogFiles(this.path, this.opts.keep);
    this.#open();
  }

  #fail(e: NodeJS.ErrnoException): void {
    // A full disk or an unwritable folder must not stop or block the child:
    // say so once, then drop the file (the terminal still gets the lines).
    this.#off = true;
    this.close();
    this.opts.onError(errors.PIT_E_LOG_WRITE(this.path, e.code ?? e.message));
  }
}
