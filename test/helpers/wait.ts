// Awaiting with a deadline whose failure names what was awaited, so a hung
// test says what it was waiting for instead of timing out silently.

/** Resolve with `p`, or reject after `ms` with "timed out after Nms waiting for <what>". */
export function within<T>(p: Promise<T>, ms: number, what: string | (() => string)): Promise<T> {
  let timer: NodeJS.Timeout;
  const deadline = new Promise<never>((_, reject) => {
    const say = () => (typeof what === 'string' ? what : what());
    timer = setTimeout(() => reject(new Error(`timed out after ${ms}ms waiting for ${say()}`)), ms);
  });
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}

/**
 * Poll `check` until it returns a truthy value. Only for state that has no
 * event to await (a file the child writes, a pid that disappears).
 */
export async function until<T>(check: () => T | Promise<T>, ms: number, what: string): Promise<NonNullable<T>> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out after ${ms}ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Waits for patterns in a text that grows (a child's output): each resolves at the first check that finds it. */
export class TextWaits {
  #waiting: { re: RegExp; read: () => string; resolve: (m: RegExpMatchArray) => void }[] = [];

  /** The first match of `re` in `read()`, now or at a later check; fails after `ms`, saying `what`. */
  wait(re: RegExp, read: () => string, ms: number, what: () => string): Promise<RegExpMatchArray> {
    const m = read().match(re);
    if (m) return Promise.resolve(m);
    return within(new Promise((resolve) => this.#waiting.push({ re, read, resolve })), ms, what);
  }

  /** Call when the text has grown. */
  check(): void {
    for (const w of [...this.#waiting]) {
      const m = w.read().match(w.re);
      if (m) {
        this.#waiting.splice(this.#waiting.indexOf(w), 1);
        w.resolve(m);
      }
    }
  }
}
