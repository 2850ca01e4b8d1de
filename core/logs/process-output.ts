// Where each child's stdout and stderr go: its log file, and the engine's
// line sink (the terminal of `engine run`). One log file per process lives
// across restarts, so rotation counts all of its runs.
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { EventBus } from '../events/bus.js';
import { errors } from '../errors.js';
import type { Pitfile } from '../model/pitfile.js';
import { stateDirPaths } from '../state-dir.js';
import { LineFramer, type Framed } from './line-framer.js';
import { LogFile, type StreamTag } from './log-file.js';

/** Receives complete lines (each ending in "\n") of a process's stream. */
export type LineSink = (process: string, stream: StreamTag, lines: Buffer[]) => void;

export class ProcessOutput {
  readonly #files = new Map<string, LogFile>();

  constructor(
    /** The pitfile in force (it changes on reload). */
    private readonly pitfile: () => Pitfile,
    private readonly bus: EventBus,
    private readonly sink?: LineSink,
  ) {}

  /** Capture `child`'s output as process `name`. */
  attach(name: string, child: ChildProcess): void {
    const file = this.#file(name);
    const pipe = (stream: Readable | null, tag: StreamTag) => {
      if (!stream) return;
      const framer = new LineFramer();
      const what = tag === 'out' ? 'stdout' : 'stderr';
      const eventName = `process:${name}:${what}` as const;
      const deliver = (framed: Framed) => {
        file.write(tag, framed);
        if (!framed.lines.length) return;
        if (this.sink) this.sink(name, tag, framed.lines);
        // Decoding every line costs; only when a reaction or plugin listens.
        if (this.bus.wants(eventName)) {
          for (const l of framed.lines) this.bus.publish(`process:${what}`, name, { process: name, line: l.toString('utf8', 0, l.length - 1) });
        }
      };
      stream.on('data', (chunk: Buffer) => deliver(framer.push(chunk)));
      stream.once('end', () => deliver(framer.end()));
      stream.on('error', () => {}); // a pipe torn down with the child is not news
    };
    pipe(child.stdout, 'out');
    pipe(child.stderr, 'err');
  }

  /** Close every log file. */
  close(): void {
    for (const f of this.#files.values()) f.close();
  }

  #file(name: string): LogFile {
    let f = this.#files.get(name);
    if (!f) {
      const cfg = this.pitfile().processes[name].logs;
      const path = join(stateDirPaths(this.pitfile().settings.stateDir).logs, `${name}.log`);
      f = new LogFile(path, {
        maxBytes: cfg.maxBytes,
        keep: cfg.keep,
        onError: (reason) => {
          const e = errors.PIT_E_LOG_WRITE(path, reason);
          this.bus.publish('engine:log-error', name, { process: name, code: e.code, message: e.message });
        },
      });
      this.#files.set(name, f);
    }
    return f;
  }
}
