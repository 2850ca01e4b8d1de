// Spawning a child is synchronous work on the engine's thread (fork, exec,
// pipes, its log): a few milliseconds each on a loaded machine. A start-up of
// 1,000 children made in one go held the event loop for ~10 s: no signal,
// control request or worker message was handled meanwhile, and the heartbeat
// plugin's describe timed out (PIT_E_PLUGIN_LOAD) although its worker had
// answered long before. So launches take turns: once SLICE_MS have gone to
// launching, the next one waits for the event loop to go round.

/** How long launches may hold the event loop before letting it turn. */
export const SLICE_MS = 20;

export class LaunchPace {
  #sliceStart = 0;
  #queued = 0;
  #queue: Promise<void> = Promise.resolve();

  /** Run `launch` after the launches queued before it, letting the event loop turn first when the slice is used up. */
  run(launch: () => void): Promise<void> {
    // A launch into an idle queue starts a new slice: a single start is not delayed.
    if (this.#queued++ === 0) this.#sliceStart = performance.now();
    const next = this.#queue.then(async () => {
      if (performance.now() - this.#sliceStart >= SLICE_MS) {
        await new Promise<void>((r) => setImmediate(r));
        this.#sliceStart = performance.now();
      }
      try {
        launch();
      } finally {
        this.#queued--;
      }
    });
    this.#queue = next.catch(() => {});
    return next;
  }

  /**
   * Resolves once no launch is queued, counting those queued while it waits
   * (a start whose dependencies are met is queued a few microtasks later).
   */
  async drained(): Promise<void> {
    do {
      await new Promise<void>((r) => setImmediate(r));
      await this.#queue;
    } while (this.#queued > 0);
  }
}
