// What `engine run` prints: each process's lines prefixed "name |" in one
// stable colour per name (as foreman does), stderr marked with "!", and the
// engine's own notes prefixed "pit |".
import type { Writable } from 'node:stream';

const palette = [36, 33, 32, 35, 34, 96, 93, 92, 95, 94];

export class Terminal {
  readonly #width: number;
  readonly #color: boolean;
  readonly #prefixes = new Map<string, { out: Buffer; err: Buffer }>();

  constructor(
    names: string[],
    private readonly stream: Writable & { isTTY?: boolean } = process.stdout,
  ) {
    this.#width = Math.max(3, ...names.map((n) => n.length));
    this.#color = Boolean(stream.isTTY) && !process.env.NO_COLOR;
  }

  /** Print complete lines of `process`'s `stream` (each ending in \n). */
  lines(process: string, stream: 'out' | 'err', lines: Buffer[]): void {
    const prefix = this.#prefix(process)[stream];
    const parts: Buffer[] = [];
    for (const line of lines) parts.push(prefix, line);
    this.stream.write(Buffer.concat(parts));
  }

  /** A note from the engine itself. */
  note(text: string): void {
    this.stream.write(`${this.#paint('pit'.padEnd(this.#width), 90)} | ${text}\n`);
  }

  #prefix(name: string) {
    let p = this.#prefixes.get(name);
    if (!p) {
      const code = palette[[...name].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7) % palette.length];
      const label = this.#paint(name.padEnd(this.#width), code);
      p = { out: Buffer.from(`${label} | `), err: Buffer.from(`${label} ${this.#paint('!', 31)} `) };
      this.#prefixes.set(name, p);
    }
    return p;
  }

  #paint(text: string, code: number): string {
    return this.#color ? `\x1b[${code}m${text}\x1b[0m` : text;
  }
}
