// Wires a child's stdout and stderr to its log file and, when asked, to a
// per-chunk callback with the complete lines (the terminal's "name |"
// prefix, output events). Each stream has its own splitter, so interleaved
// stdout and stderr never merge; everything runs in the 'data' handler, so
// the file keeps the order in which chunks arrived.
import type { Readable } from 'node:stream';
import { LineSplitter, linesOf, type Split } from './line-splitter.js';
import type { LogFile, StreamTag } from './log-file.js';

/** Receives the complete lines of one chunk, each ending in "\n"; the Buffers stay valid. */
export type OnLines = (stream: StreamTag, lines: Buffer[]) => void;

export interface CaptureOptions {
  /** null: no file (the log is off), lines still reach onLines. */
  log: LogFile | null;
  /** Only given when someone reads lines: building them costs one object per line. */
  onLines?: OnLines;
  /** Asked per chunk when given: false skips onLines (nobody listens right now). */
  wantsLines?: (stream: StreamTag) => boolean;
}

/** Capture `child`'s stdout and stderr; resolves once both have ended and their last lines are written. */
export function captureOutput(child: { stdout: Readable | null; stderr: Readable | null }, opts: CaptureOptions): Promise<void> {
  return Promise.all([capture(child.stdout, 'out', opts), capture(child.stderr, 'err', opts)]).then(() => {});
}

function capture(stream: Readable | null, tag: StreamTag, { log, onLines, wantsLines }: CaptureOptions): Promise<void> {
  if (!stream) return Promise.resolve();
  const splitter = new LineSplitter();
  const deliver = (split: Split) => {
    if (split.count === 0) return;
    log?.write(tag, split);
    if (onLines && (!wantsLines || wantsLines(tag))) onLines(tag, linesOf(split));
  };
  stream.on('data', (chunk: Buffer) => deliver(splitter.push(chunk)));
  // A pipe torn down with the child is not news; 'close' still follows.
  stream.on('error', () => {});
  return new Promise((resolve) => {
    // 'end' (all read) comes a turn before 'close'; 'close' alone when the
    // stream was destroyed. The first of them writes the unterminated last
    // line, once, and says the output is all in.
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      deliver(splitter.end());
      resolve();
    };
    stream.once('end', finish);
    stream.once('close', finish);
  });
}
