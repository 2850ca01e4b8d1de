// A worker thread that runs plugins' calls: a team's plugin has one of its
// own (isolation is for code we did not write); Pit's built-ins share one,
// each ~9–11 MiB of RSS saved (a V8 isolate). Calls of different plugins run
// side by side, so a long install does not hold the heartbeat (the host runs
// one call of each plugin at a time). A call that does not finish ends the
// worker and a fresh one takes the next calls (so does a worker that dies:
// out of heap, or an exception nothing caught); every other call that was in
// flight there fails as `ThreadReplaced`, no fault of its plugin, so the host
// sets that plugin up again in the fresh worker and runs the call again.
// (tinypool runs calls that carry an abort signal one at a time per worker,
// and an abort ends the worker under the others: the time limit is kept here.)
import type Tinypool from 'tinypool';
import type { Outcome, Task } from './worker.js';
import { pluginPool } from './describe.js';

export interface PluginThreadOptions {
  heapMb: number;
  /** Plugins sharing it (a bound on the calls in flight at once); 1 for a team's plugin. */
  plugins: number;
  /** The worker was ended because `culprit`'s call did not finish (or failed as it died); a fresh one takes the next calls. */
  onReplaced?(culprit: string): void;
}

/** A call ended with its worker, for another plugin's call that did not finish (or its worker's death). */
export const THREAD_REPLACED = 'ThreadReplaced';

/** A call that loads nothing: answered once the worker has booted. */
const READY: Task = { use: '', options: {}, root: '', stateDir: '', hook: 'ready' };

/**
 * A call waits at most this long for the worker's boot before its own limit
 * starts: a worker that never boots must not hold its plugins (and the
 * engine's start-up, which waits for their first tick) forever.
 */
const BOOT_WAIT_MS = 10_000;

export class PluginThread {
  #pool!: Tinypool;
  /** Settles once the worker has booted. */
  #booted!: Promise<unknown>;
  #ended = false;

  constructor(private readonly options: PluginThreadOptions) {
    this.#start();
  }

  #start(): void {
    this.#pool = pluginPool(this.options.heapMb, this.options.plugins);
    let waited: NodeJS.Timeout | undefined;
    this.#booted = Promise.race([
      this.#pool.run(READY).catch(() => {}),
      new Promise((resolve) => (waited = setTimeout(resolve, BOOT_WAIT_MS).unref())),
    ]).finally(() => clearTimeout(waited));
  }

  /**
   * Run `task`. Rejects with a TimeoutError when it does not finish within
   * `limitMs` (the worker is then replaced), a ThreadReplaced error when
   * another call's timeout or failure ended the worker under it, or the
   * worker's own error (it ran out of heap: replaced too; the module did
   * not load).
   */
  async run(task: Task, limitMs: number): Promise<Outcome> {
    const pool = this.#pool;
    // The limit is for the plugin's code, not a fresh worker's boot (~80 ms; seconds on a loaded host).
    await this.#booted;
    if (pool !== this.#pool && !this.#ended) throw Object.assign(new Error('its worker was ended for another plugin'), { name: THREAD_REPLACED });
    const worker = pool.threads[0];
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error(`did not finish within ${limitMs}ms`), { name: 'TimeoutError' })), limitMs);
    });
    try {
      return await Promise.race([pool.run(task), timedOut]);
    } catch (e) {
      if (this.#ended) throw e;
      if (pool !== this.#pool) throw Object.assign(new Error('its worker was ended for another plugin'), { name: THREAD_REPLACED });
      // tinypool fails every call of a worker that died and starts another in the same pool: the first
      // failure told is counted, and the plugins are set up again in a fresh worker, as after a hang.
      const died = pool.threads[0] !== worker;
      if ((e as Error).name === 'TimeoutError' || died) this.#replace(task.use);
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  /** End the worker now (a loop would hold a core) and start a fresh one for the next calls. */
  #replace(culprit: string): void {
    const old = this.#pool;
    this.#start();
    this.options.onReplaced?.(culprit);
    // Its calls in flight reject once it has ended (after this turn), as ThreadReplaced.
    void old.destroy().catch(() => {});
  }

  /** End the worker; calls in flight reject. */
  async destroy(): Promise<void> {
    this.#ended = true;
    await this.#pool.destroy();
  }
}
