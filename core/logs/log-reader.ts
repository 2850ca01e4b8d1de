// Reading a process's log back (engine logs, the dashboard): the last lines
// of its file, and of the rotated ones before it when those are not enough.
// Only the tail is read, so a 100 MB log costs what its last lines cost.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { StreamTag } from './log-file.js';
import { logPath } from '../state-dir.js';

export interface LogLine {
  process: string;
  /** ms since the epoch. */
  at: number;
  stream: StreamTag;
  line: string;
}

const CHUNK = 64 * 1024;
// "2026-11-24T15:01:02.123Z out | text", "…out+| " for a piece of a long line.
const HEAD = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) (out|err)([+ ])\| /;

/** Which lines to read back: how many, none before `sinceMs`, only one stream when `stream` is given. */
export interface LogQuery {
  count: number;
  sinceMs?: number;
  stream?: StreamTag;
}

/** The last lines of the processes `names` in `stateDir`'s logs, merged in time order. */
export function readLogs(stateDir: string, names: string[], q: LogQuery): LogLine[] {
  return names
    .flatMap((n) => readLogTail(n, logPath(stateDir, n), q.count, q.sinceMs, q.stream))
    .sort((a, b) => a.at - b.at)
    .slice(-q.count);
}

/** The last `count` lines of process `name`'s log at `path` (and path.1, …), oldest first, none before `sinceMs`, only `stream`'s if given. */
export function readLogTail(name: string, path: string, count: number, sinceMs = 0, stream?: StreamTag): LogLine[] {
  const out: LogLine[] = [];
  for (let i = 0; out.length < count; i++) {
    const found = matchingTail(name, i === 0 ? path : `${path}.${i}`, count - out.length, sinceMs, stream);
    if (found === null) break;
    out.unshift(...found.lines);
    // Older files hold only older lines: once one line is too old, stop.
    if (found.reachedSince) break;
  }
  return out.slice(-count);
}

/**
 * Up to `need` matching lines from the end of one file. With a stream
 * filter the last `need` lines may hold fewer, so the tail read grows until
 * enough match or the file (or `sinceMs`) is reached. Null: no such file.
 */
function matchingTail(name: string, file: string, need: number, sinceMs: number, stream?: StreamTag): { lines: LogLine[]; reachedSince: boolean } | null {
  for (let want = need; ; want *= 4) {
    const raw = tailLines(file, want);
    if (raw === null) return null;
    const parsed = parseLogLines(name, raw);
    const reachedSince = parsed.some((l) => l.at < sinceMs);
    const lines = parsed.filter((l) => l.at >= sinceMs && (!stream || l.stream === stream));
    if (lines.length >= need || reachedSince || raw.length < want) return { lines: lines.slice(-need), reachedSince };
  }
}

/** Log file lines to LogLines; pieces of a long line ("+|") are joined back. */
export function parseLogLines(name: string, raw: string[]): LogLine[] {
  const out: LogLine[] = [];
  const pending: Partial<Record<StreamTag, LogLine>> = {};
  for (const text of raw) {
    const m = HEAD.exec(text);
    if (!m) continue; // a line cut by rotation or a truncated file
    const stream = m[2] as StreamTag;
    const piece = text.slice(m[0].length);
    const open = pending[stream];
    const line = open ? { ...open, line: open.line + piece } : { process: name, at: Date.parse(m[1]), stream, line: piece };
    if (m[3] === '+') pending[stream] = line;
    else {
      delete pending[stream];
      out.push(line);
    }
  }
  return out;
}

/** The last `count` lines of `file` (without "\n"); null when it does not exist. */
function tailLines(file: string, count: number): string[] | null {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return null;
  }
  try {
    let pos = fstatSync(fd).size;
    const chunks: Buffer[] = [];
    let newlines = 0;
    // Read backwards until count+1 newlines are in hand (the first line may
    // be partial); decoded once at the end, so no character is cut in two.
    while (pos > 0 && newlines <= count) {
      const n = Math.min(CHUNK, pos);
      pos -= n;
      const buf = Buffer.alloc(n);
      readSync(fd, buf, 0, n, pos);
      chunks.unshift(buf);
      for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) newlines++;
    }
    const lines = Buffer.concat(chunks).toString('utf8').split('\n');
    if (lines.at(-1) === '') lines.pop();
    if (pos > 0) lines.shift();
    return lines.slice(-count);
  } finally {
    closeSync(fd);
  }
}
