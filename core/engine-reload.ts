// Hot reload: re-read the pitfile; refuse it whole when invalid
// (config:invalid, the engine keeps its running config), else apply the
// difference (config:reloaded) and name each setting only a restart applies
// (config:restart-needed). Reloads and scales run one after another, so a
// burst of saves applies in order.
import type { EventBus } from './events/bus.js';
import type { Cause } from './events/cause.js';
import type { Pitfile } from './model/pitfile.js';
import { loadPitfile } from './config/load.js';
import { keepScale } from './config/replicas.js';
import { restartNote } from './config/restart-settings.js';
import { selectProcesses, type RunRequest } from './supervisor/selection.js';
import { PitError, PitfileError, errors, formatPitWarning } from './errors.js';

/** What a reload changed, by process name. */
export interface ConfigDiff {
  added: string[];
  removed: string[];
  changed: string[];
}

/** A reload applied (what changed), or refused (every error; the running config stays). */
export type ReloadOutcome = { diff: ConfigDiff } | { errors: ReturnType<PitError['toJSON']>[] };

/** What a reload acts on: the engine. */
export interface ReloadTarget {
  readonly bus: EventBus;
  /** The pitfile in force. */
  pitfile(): Pitfile;
  apply(next: Pitfile, cause: Cause): Promise<ConfigDiff>;
  restartNeeded(): string[];
  isStopping(): boolean;
}

export class Reloader {
  #queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly target: ReloadTarget,
    private readonly opts: { env?: NodeJS.ProcessEnv; select?: RunRequest; log?: (text: string) => void },
  ) {}

  /** Run `change` once every change queued before it has ended. */
  serially<T>(change: () => T | Promise<T>): Promise<T> {
    const next = this.#queue.then(change);
    this.#queue = next.then(() => {}, () => {});
    return next;
  }

  /** `reason`: what asked for it ("pitfile saved", "engine reload (CLI)"); config:reloaded carries it. */
  reload(reason: string): Promise<ReloadOutcome> {
    return this.serially(() => this.#reload(reason));
  }

  async #reload(reason: string): Promise<ReloadOutcome> {
    const { bus } = this.target;
    const file = this.target.pitfile().file;
    let next: Pitfile;
    try {
      const loaded = await loadPitfile({ config: file, env: this.opts.env, plugins: true, machine: true });
      next = loaded.pitfile;
      selectProcesses(next, this.opts.select, { lenient: true });
      for (const w of loaded.warnings) this.opts.log?.(formatPitWarning(w));
    } catch (e) {
      // A file that cannot be read (removed mid-save, …) is refused like an invalid one.
      const found = e instanceof PitfileError ? e.errors : [e instanceof PitError ? e : errors.PIT_E_CONFIG_READ(file, (e as Error).message)];
      const problems = found.map((x) => x.toJSON());
      bus.publish('config:invalid', '', { file, errors: problems, reason });
      return { errors: problems };
    }
    if (this.target.isStopping()) return { diff: { added: [], removed: [], changed: [] } };
    // The reload's id is the cause of the restarts it makes, which happen before it is published.
    const id = bus.reserveId();
    const diff = await this.target.apply(keepScale(this.target.pitfile(), next), { cause: id });
    bus.publish('config:reloaded', '', { file, ...diff, id, reason });
    // Never silent: a setting the running engine cannot take over is named.
    const restartNeeded = this.target.restartNeeded();
    if (restartNeeded.length) bus.publish('config:restart-needed', '', { file, settings: restartNeeded });
    for (const path of restartNeeded) this.opts.log?.(restartNote(path));
    return { diff };
  }
}
