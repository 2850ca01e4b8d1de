// Following process logs on disk, for `engine logs -f` when no engine runs
// to stream them (or one starts later: its lines land in the same files).
// Each file is polled: an open descriptor keeps reading a file that was
// rotated away (name.log → name.log.1) to its end; files rotated after it
// between two polls are read whole, then the new name.log from its start.
// A file truncated in place is read again from 0.
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import type { StreamTag } from './log-file.js';
import { parseLogLines, type LogLine } from './log-reader.js';

export interface FollowedLog {
  name: string;
  path: string;
}

export interface LogFollower {
  stop(): void;
}

const POLL_MS = 250;
const READ_BYTES = 256 * 1024;
// A piece of a long line ("out+| "): the next line of its stream continues it.
const PIECE = /^\S+ (?:out|err)\+\| /;

/** Call `onLine` with each line appended to the logs from now on, until stop(). */
export function followLogFiles(logs: FollowedLog[], onLine: (line: LogLine) => void, opts: { stream?: StreamTag; pollMs?: number } = {}): LogFollower {
  const followers = logs.map((log) => new FileTail(log, (line) => (!opts.stream || line.stream === opts.stream) && onLine(line)));
  const timer = setInterval(() => followers.forEach((f) => f.poll()), opts.pollMs ?? POLL_MS);
  return {
    stop: () => {
      clearInterval(timer);
      followers.forEach((f) => f.close());
    },
  };
}

class FileTail {
  #fd: number | null = null;
  #offset = 0;
  #carry = '';
  #bytes = Buffer.alloc(0);

  constructor(
    private readonly log: FollowedLog,
    private readonly onLine: (line: LogLine) => void,
  ) {
    // What is there already was shown as the tail: start at the end.
    this.#open(true);
  }

  poll(): void {
    if (this.#fd === null && !this.#open(false)) return;
    this.#drain();
    let onDisk: { ino: number; size: number } | null = null;
    try {
      onDisk = statSync(this.log.path);
    } catch { /* rotated away, not yet written again */ }
    const mine = fstatSync(this.#fd!);
    if (onDisk && onDisk.ino !== mine.ino) {
      // Rotated: the rest of the old file was just read; the new one starts at 0.
      const missed = this.#rotatedSince(mine.ino);
      this.close();
      for (const file of missed) this.#readWhole(file);
      if (this.#open(false)) this.#drain();
    } else if (mine.size < this.#offset) {
      this.#offset = 0; // truncated in place (copytruncate)
      this.#drain();
    }
  }

  close(): void {
    if (this.#fd !== null) closeSync(this.#fd);
    this.#fd = null;
    this.#carry = '';
    this.#bytes = Buffer.alloc(0);
  }

  /** The rotated files newer than the one with inode `ino` (now name.log.N), oldest first. */
  #rotatedSince(ino: number): string[] {
    const newer: string[] = [];
    for (let i = 1; ; i++) {
      const file = `${this.log.path}.${i}`;
      try {
        if (statSync(file).ino === ino) return newer.reverse();
      } catch {
        return []; // ours was removed (keep reached): nothing to tell apart
      }
      newer.push(file);
    }
  }

  #readWhole(file: string): void {
    try {
      this.#fd = openSync(file, 'r');
    } catch {
      return;
    }
    this.#offset = 0;
    this.#drain();
    this.close();
  }

  #open(atEnd: boolean): boolean {
    try {
      this.#fd = openSync(this.log.path, 'r');
    } catch {
      return false;
    }
    this.#offset = atEnd ? fstatSync(this.#fd).size : 0;
    return true;
  }

  #drain(): void {
    const buf = Buffer.alloc(READ_BYTES);
    for (;;) {
      const n = readSync(this.#fd!, buf, 0, buf.length, this.#offset);
      if (n <= 0) return;
      this.#offset += n;
      this.#take(buf.subarray(0, n));
    }
  }

  /** Complete lines go out; a partial line, and pieces of a long line still being written, wait. */
  #take(chunk: Buffer): void {
    // Decoded only up to the last "\n", so no character is cut in two.
    const bytes = Buffer.concat([this.#bytes, chunk]);
    const end = bytes.lastIndexOf(10);
    if (end === -1) {
      this.#bytes = bytes;
      return;
    }
    this.#bytes = bytes.subarray(end + 1);
    const raw = (this.#carry + bytes.subarray(0, end).toString('utf8')).split('\n');
    let keep = raw.length;
    while (keep > 0 && PIECE.test(raw[keep - 1])) keep--;
    this.#carry = raw.slice(keep).map((l) => `${l}\n`).join('');
    parseLogLines(this.log.name, raw.slice(0, keep)).forEach(this.onLine);
  }
}
