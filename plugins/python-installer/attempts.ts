// Install attempts per (environment, distribution), kept in .pit/ so that
// a crash loop cannot turn into an install loop across engine restarts.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pluginStateDir } from '../../core/index.js';

export interface Attempt {
  count: number;
  lastAt: number;
  lastOutcome: 'installed' | 'failed';
}

/** The wait before attempt n+1 after a failed attempt n: 10 s, 20 s, 40 s … capped at 10 min. */
export const backoffMs = (failed: number) => Math.min(10_000 * 2 ** Math.max(0, failed - 1), 600_000);

/** The installer's folder in the state dir: its attempts and the installs awaiting approval. */
export const installerDir = (stateDir: string) => pluginStateDir(stateDir, 'installer');

export class AttemptLog {
  readonly #dir: string;
  readonly #file: string;

  constructor(stateDir: string) {
    this.#dir = installerDir(stateDir);
    this.#file = join(this.#dir, 'attempts.json');
  }

  get(env: string, distribution: string): Attempt | null {
    return this.#read()[key(env, distribution)] ?? null;
  }

  record(env: string, distribution: string, outcome: Attempt['lastOutcome'], at = Date.now()): Attempt {
    const all = this.#read();
    const a = { count: (all[key(env, distribution)]?.count ?? 0) + 1, lastAt: at, lastOutcome: outcome };
    all[key(env, distribution)] = a;
    // Written whole and renamed: an engine killed mid-write leaves the old file.
    mkdirSync(this.#dir, { recursive: true, mode: 0o700 });
    const tmp = `${this.#file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(all, null, 1), { mode: 0o600 });
    renameSync(tmp, this.#file);
    return a;
  }

  #read(): Record<string, Attempt> {
    try {
      return JSON.parse(readFileSync(this.#file, 'utf8'));
    } catch {
      return {};
    }
  }
}

const key = (env: string, distribution: string) => `${env}|${distribution.toLowerCase().replace(/[-_.]+/g, '-')}`;
