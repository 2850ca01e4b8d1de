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
  #lastLaunch = -Infinity;
  #queued = 0;
  #queue: Promise<void> = Promise.resolve();

  /**
   * Launch now while the slice lasts and none waits (so a single start, or a
   * small pitfile's start-up, is launched at once as before); otherwise after
   * the launches queued before it, once the event loop has turned.
   */
  run(launch: () => void): Promise<void> {
    const now = performance.now();
    // Launches SLICE_MS apart are not one burst: the loop has turned between them.
    if (!this.#queued && now - this.#lastLaunch >= SLICE_MS) this.#sliceStart = now;
    if (!this.#queued && now - this.#sliceStart < SLICE_MS) {
      this.#launch(launch);
      return Promise.resolve();
    }
    this.#queued++;
    const next = this.#queue.then(async () => {
      try {
        if (performance.now() - this.#sliceStart >= SLICE_MS) {
          await new Promise<void>((r) => setImmediate(r));
          this.#sliceStart = performance.now();
        }
        this.#launch(launch);
      } finally {
        this.#queued--;
      }
    });
    this.#queue = next.catch(() => {});
    return next;
  }

  #launch(launch: () => void): void {
    try {
      launch();
    } finally {
      this.#lastLaunch = performance.now();
    }
  }
}
