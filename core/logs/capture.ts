// Wires a child's stdout and stderr to its log file and, when asked, to a
// per-chunk callback with the complete lines as offsets (the terminal's
// "name |" copy, output events: linesOf() makes Buffers of them, one
// object per line, so only for whoever needs them). Each stream has its
// own splitter, so interleaved stdout and stderr never merge; everything
// runs as each chunk is read, so the file keeps the order in which chunks
// arrived. Chunks are read into a buffer shared by every pipe
// (pipe-reader.ts): nothing here keeps a view of one past the call.
import type { Readable } from 'node:stream';
import { LineSplitter, type Split } from './line-splitter.js';
import type { LogFile, StreamTag } from './log-file.js';
import { readPipe } from './pipe-reader.js';

/** Receives the complete lines of one chunk (line-splitter.ts), valid only during the call: linesOf() gives them as Buffers. */
export type OnChunk = (stream: StreamTag, split: Split) => void;

export interface CaptureOptions {
  /** null: no file (the log is off), lines still reach onChunk. */
  log: LogFile | null;
  /** Called after the file has the chunk's lines. */
  onChunk?: OnChunk;
}

/**
 * Capture `child`'s stdout and stderr; resolves once both have ended and
 * their last lines are written. `child.stdout` and `child.stderr` become
 * the streams that now read them: destroying those stops the reading.
 */
export function captureOutput(child: { stdout: Readable | null; stderr: Readable | null }, opts: CaptureOptions): Promise<void> {
  const out = capture(child.stdout, 'out', opts);
  const err = capture(child.stderr, 'err', opts);
  child.stdout = out.stream;
  child.stderr = err.stream;
  return Promise.all([out.done, err.done]).then(() => {});
}

function capture(from: Readable | null, tag: StreamTag, { log, onChunk }: CaptureOptions): { stream: Readable | null; done: Promise<void> } {
  if (!from) return { stream: null, done: Promise.resolve() };
  const splitter = new LineSplitter();
  const deliver = (split: Split) => {
    if (split.count === 0) return;
    log?.write(tag, split);
    onChunk?.(tag, split);
  };
  const stream = readPipe(from, (chunk) => deliver(splitter.push(chunk)));
  // A pipe torn down with the child is not news; 'close' still follows.
  stream.on('error', () => {});
  const done = new Promise<void>((resolve) => {
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
  return { stream, done };
}
