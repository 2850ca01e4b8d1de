// Where each supervised process's output goes: its log file under
// <stateDir>/logs, the engine's line sink (the terminal of `engine run`),
// and output events while someone subscribes. One log file per process
// lives across restarts, so rotation counts all of its runs.
import type { ChildProcess } from 'node:child_process';
import type { EventBus } from '../events/bus.js';
import type { Pitfile } from '../model/pitfile.js';
import { logPath } from '../state-dir.js';
import { captureOutput } from './capture.js';
import { linesOf, type Split } from './line-splitter.js';
import { LogFile, type StreamTag } from './log-file.js';

/**
 * Receives one chunk's complete lines of a process's stream, as offsets
 * (line-splitter.ts), valid only during the call. A flood's chunk holds
 * hundreds of lines: linesOf() makes a Buffer of each, the terminal copies
 * them without (Terminal.chunk).
 */
export type LineSink = (process: string, stream: StreamTag, split: Split) => void;

export class ProcessOutput {
  readonly #files = new Map<string, LogFile>();

  constructor(
    /** The pitfile in force (it changes on reload). */
    private readonly pitfile: () => Pitfile,
    private readonly bus: EventBus,
    private readonly sink?: LineSink,
  ) {}

  /** Capture `child`'s output as process `name`; resolves when its pipes have closed. */
  attach(name: string, child: ChildProcess): Promise<void> {
    const log = this.#file(name);
    const events = { out: `process:${name}:stdout`, err: `process:${name}:stderr` } as const;
    return captureOutput(child, {
      log,
      onChunk: (tag, split) => {
        this.sink?.(name, tag, split);
        // Decoding every line costs: only while a reaction or plugin listens.
        if (!this.bus.wants(events[tag])) return;
        const type = tag === 'out' ? 'process:stdout' : 'process:stderr';
        for (const l of linesOf(split)) this.bus.publish(type, name, { process: name, line: l.toString('utf8', 0, l.length - 1) });
      },
    });
  }

  /** Close every log file. */
  close(): void {
    for (const f of this.#files.values()) f.close();
  }

  /** The process's log file, with the limits of the pitfile in force, retried after a failure. */
  #file(name: string): LogFile {
    const { stateDir } = this.pitfile().settings;
    const limits = this.pitfile().processes[name].logs;
    let f = this.#files.get(name);
    if (!f) {
      const path = logPath(stateDir, name);
      f = new LogFile(path, {
        ...limits,
        onError: (e) => this.bus.publish('engine:log-error', name, { process: name, code: e.code, message: e.message }),
        onResume: (lostBytes, marker) => this.bus.publish('engine:log-resumed', name, { process: name, lost_bytes: lostBytes, message: `logging to ${path} again; ${marker}` }),
      });
      this.#files.set(name, f);
    }
    f.configure(limits);
    // A new run tries a failed file again at once (it is retried anyway).
    f.resume();
    return f;
  }
}
