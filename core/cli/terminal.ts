// What `engine run` prints: each process's lines prefixed "name |" in a
// colour of its own (as foreman does), stderr marked with "!", and the
// engine's own notes prefixed "pit |".
//
// The terminal copy is the one place a slow reader may hold output back,
// and it does so within a bound: what does not fit while the terminal is
// behind (or while the start-up view draws) is dropped, counted, and said
// once per gap with where it is ("api: 1.2 MB of output not shown on the
// terminal; it is in .pit/logs/api.log"). The log file never waits for it.
import { fstatSync, statSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { LinePrefixer, type PrefixTarget } from '../logs/line-prefixer.js';
import { linesOf, splitBytes, type Split } from '../logs/line-splitter.js';

/** Process colours, in the order names get them: none repeats until all are used. */
export const PALETTE = [36, 33, 32, 35, 34, 96, 93, 92, 95, 94];
const RED = 31;
const GREY = 90;

export const TERMINAL_LIMITS = {
  /** Output waiting for a slow terminal beyond this is dropped. */
  maxBufferedBytes: 1024 * 1024,
  /** Output held while the start-up view draws, beyond this, is dropped. */
  maxHeldBytes: 1024 * 1024,
  /** Engine notes beyond this much waiting are dropped too (they are in the journal). */
  maxNoteBytes: 4 * 1024 * 1024,
};

type Out = Writable & { isTTY?: boolean; columns?: number };

/** The buffer lines are copied into: one chunk's lines and their prefixes fit, mostly. */
const SPARE_BYTES = 128 * 1024;
/** A larger one (a chunk of very short lines, each with its prefix) is used once, not kept. */
const MAX_SPARE_BYTES = 512 * 1024;

/**
 * Whether `stream` takes colour and cursor codes: a terminal with columns,
 * not TERM=dumb, and NO_COLOR unset. CI logs, pipes and files get plain lines.
 */
export function isAnsiTerminal(stream: Out, env: NodeJS.ProcessEnv = process.env): boolean {
  if (!stream.isTTY || env.NO_COLOR || env.TERM === 'dumb') return false;
  return stream.columns === undefined || stream.columns > 0;
}

export interface TerminalOptions {
  /** Where a process's full output is, said when some was not shown. */
  logOf?: (process: string) => string;
  /** Colour on or off; by default, whether the stream is an ANSI terminal. */
  color?: boolean;
}

/**
 * Whether `stream` writes to /dev/null (engine run >/dev/null, a service
 * manager's null output): what goes there is never seen, so process output
 * is not even built for it. Under a flood that copy cost as much CPU as the
 * log file's; the log has everything.
 */
export function isDevNull(stream: Out): boolean {
  const fd = (stream as { fd?: unknown }).fd;
  if (typeof fd !== 'number') return false;
  try {
    const here = fstatSync(fd);
    return here.isCharacterDevice() && here.rdev === statSync('/dev/null').rdev;
  } catch {
    return false;
  }
}

export class Terminal {
  readonly #width: number;
  readonly #color: boolean;
  readonly #devNull: boolean;
  readonly #prefixes = new Map<string, { out: Buffer; err: Buffer }>();
  readonly #colors = new Map<string, number>();
  /** Output held while the start-up view draws (null: not holding). */
  #held: { process: string; stream: 'out' | 'err'; lines: Buffer[] }[] | null = null;
  #heldBytes = 0;
  /** Bytes per process not shown since the last time that was said. */
  readonly #dropped = new Map<string, number>();
  #droppedNotes = 0;
  #waitingForDrain = false;
  /**
   * The buffer the last lines were written from, once the stream is done
   * with it: a buffer made per chunk would live until V8 collects garbage,
   * and under a flood they add up to tens of MiB before it does.
   */
  #spare: Buffer | null = null;
  /** Prefixes a chunk's lines in one pass (made at the first chunk); each batch it makes is copied and written. */
  #prefixer: LinePrefixer | null = null;
  /** The process whose chunk the prefixer is handing over. */
  #taking = '';
  readonly #target: PrefixTarget = {
    room: () => SPARE_BYTES,
    take: (buf, start, end) => {
      // A read (up to 256 KiB) makes a few batches: the bound holds for each (dropped bytes counted with their prefixes).
      if (this.stream.writableLength > TERMINAL_LIMITS.maxBufferedBytes) return this.#drop(this.#taking, end - start);
      const out = this.#buffer(end - start);
      buf.copy(out, 0, start, end);
      this.#send(out, end - start);
    },
  };

  /** `stream` must be done with a chunk once it completes the write, as a socket, a TTY and a file are (a PassThrough is not). */
  constructor(
    names: string[],
    private readonly stream: Out = process.stdout,
    private readonly opts: TerminalOptions = {},
  ) {
    this.#width = Math.max(3, ...names.map((n) => n.length));
    this.#color = opts.color ?? isAnsiTerminal(stream);
    this.#devNull = isDevNull(stream);
    names.forEach((n) => this.#colorOf(n));
  }

  /** Print complete lines of `process`'s `stream` (each ending in \n); they are valid only during the call. */
  lines(process: string, stream: 'out' | 'err', lines: Buffer[]): void {
    if (this.#devNull) return;
    const bytes = lines.reduce((n, l) => n + l.length, 0);
    if (this.#held) {
      if (this.#heldBytes + bytes > TERMINAL_LIMITS.maxHeldBytes) return this.#drop(process, bytes);
      this.#heldBytes += bytes;
      // Copied: the lines are views of a read buffer that the next read reuses.
      this.#held.push({ process, stream, lines: lines.map((l) => Buffer.from(l)) });
      return;
    }
    if (this.stream.writableLength > TERMINAL_LIMITS.maxBufferedBytes) return this.#drop(process, bytes);
    const prefix = this.#prefix(process)[stream];
    const buf = this.#buffer(bytes + lines.length * prefix.length);
    let at = 0;
    for (const line of lines) {
      at += prefix.copy(buf, at);
      at += line.copy(buf, at);
    }
    this.#send(buf, at);
  }

  /**
   * Print one chunk's complete lines of `process`'s `stream` (offsets,
   * line-splitter.ts; valid only during the call) as lines() prints them,
   * but prefixed in one pass with no object per line: a flood's chunk
   * holds hundreds of lines, and this runs for every chunk.
   */
  chunk(process: string, stream: 'out' | 'err', split: Split): void {
    if (split.count === 0 || this.#devNull) return;
    // Held lines must outlive the chunk: copied one by one (only while the start-up view draws).
    if (this.#held) return this.lines(process, stream, linesOf(split));
    if (this.stream.writableLength > TERMINAL_LIMITS.maxBufferedBytes) return this.#drop(process, splitBytes(split));
    const prefix = this.#prefix(process)[stream];
    this.#taking = process;
    (this.#prefixer ??= new LinePrefixer()).write(split, prefix, prefix, this.#target);
  }

  /** A buffer of at least `size` bytes to build output in: the spare one if the stream is done with it. */
  #buffer(size: number): Buffer {
    const buf = this.#spare && this.#spare.length >= size ? this.#spare : Buffer.allocUnsafe(Math.max(size, SPARE_BYTES));
    this.#spare = null;
    return buf;
  }

  /** Write the first `bytes` of `buf`. */
  #send(buf: Buffer, bytes: number): void {
    this.stream.write(buf.subarray(0, bytes));
    // A write done at once (the terminal keeps up) is done with the buffer:
    // the next lines reuse it. One still pending keeps it; the next get a new one.
    if (this.stream.writableLength === 0 && buf.length <= MAX_SPARE_BYTES) this.#spare = buf;
  }

  /** A note from the engine itself. */
  note(text: string): void {
    if (this.stream.writableLength > TERMINAL_LIMITS.maxNoteBytes) {
      this.#droppedNotes++;
      this.#whenDrained();
      return;
    }
    this.stream.write(`${this.#paint('pit'.padEnd(this.#width), GREY)} | ${text}\n`);
  }

  /** Hold process output (not notes) until release(): the start-up view is drawing. */
  hold(): void {
    this.#held ??= [];
  }

  /** Print what was held, then say what did not fit. */
  release(): void {
    const held = this.#held;
    if (!held) return;
    this.#held = null;
    this.#heldBytes = 0;
    for (const h of held) this.lines(h.process, h.stream, h.lines);
    this.#sayDropped();
  }

  #drop(process: string, bytes: number): void {
    this.#dropped.set(process, (this.#dropped.get(process) ?? 0) + bytes);
    if (!this.#held) this.#whenDrained();
  }

  /** Once the terminal has read what waits, say what it missed (one note per process per gap). */
  #whenDrained(): void {
    if (this.#waitingForDrain) return;
    this.#waitingForDrain = true;
    this.stream.once('drain', () => {
      this.#waitingForDrain = false;
      this.#sayDropped();
    });
  }

  #sayDropped(): void {
    for (const [process, bytes] of this.#dropped) {
      const where = this.opts.logOf ? `; it is in ${this.opts.logOf(process)}` : '';
      this.note(`${process}: ${formatSize(bytes)} of output not shown on the terminal${where}`);
    }
    this.#dropped.clear();
    if (this.#droppedNotes) this.note(`${this.#droppedNotes} engine notes not shown on the terminal (engine events has them)`);
    this.#droppedNotes = 0;
  }

  /** The next unused palette colour, in the order names arrive; after all are used, they repeat. */
  #colorOf(name: string): number {
    let c = this.#colors.get(name);
    if (c === undefined) {
      c = PALETTE[this.#colors.size % PALETTE.length];
      this.#colors.set(name, c);
    }
    return c;
  }

  #prefix(name: string) {
    let p = this.#prefixes.get(name);
    if (!p) {
      // stderr keeps the process's colour; only the "!" is red, never the line.
      const label = this.#paint(name.padEnd(this.#width), this.#colorOf(name));
      p = { out: Buffer.from(`${label} | `), err: Buffer.from(`${label} ${this.#paint('!', RED)} `) };
      this.#prefixes.set(name, p);
    }
    return p;
  }

  #paint(text: string, code: number): string {
    return this.#color ? `\x1b[${code}m${text}\x1b[0m` : text;
  }
}

/** 1.2 GB, 340 MB, 12 KB, 900 B: for people, in powers of 1000 like the sizes in a pitfile. */
export function formatSize(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let n = bytes;
  let i = 0;
  while (n >= 1000 && i < units.length - 1) {
    n /= 1000;
    i++;
  }
  return `${i && n < 10 ? n.toFixed(1) : Math.round(n)} ${units[i]}`;
}
