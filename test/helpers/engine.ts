// An engine on a throwaway project, with its output collected per process,
// so tests can await a line instead of sleeping.
import { after } from 'node:test';
import { Engine } from '../../core/engine.js';
import { loadPitfile } from '../../core/config/load.js';
import { linesOf } from '../../core/logs/line-splitter.js';
import { makeProject } from './project.js';
import { within } from './wait.js';
import type { PitEvent } from '../../core/events/catalog.js';

export interface TestEngine {
  engine: Engine;
  dir: string;
  /** Every event since before the engine started. */
  events: PitEvent[];
  /** The engine's notes for a person (what engine run prints as "pit |"). */
  notes: string[];
  /** Every line of `name` so far (stdout and stderr), without newlines. */
  output(name: string): string[];
  /** The first line of `name` matching `re`, now or later. */
  line(name: string, re: RegExp, ms?: number): Promise<string>;
}

/** Start an engine on `pitfile` (YAML text) in a fresh directory; it is stopped after the test file. */
export async function startEngine(
  pitfile: string,
  files: Record<string, string> = {},
  setup?: (dir: string) => void,
): Promise<TestEngine> {
  const dir = makeProject({ 'pitfile.yaml': pitfile, ...files });
  setup?.(dir);
  const { pitfile: model } = await loadPitfile({ cwd: dir });
  const seen = new Map<string, string[]>();
  const waiters: { name: string; re: RegExp; resolve: (l: string) => void }[] = [];
  const notes: string[] = [];
  const engine = new Engine(model, {
    log: (text) => notes.push(text),
    lines: (name, _stream, split) => {
      const list = seen.get(name) ?? seen.set(name, []).get(name)!;
      for (const buf of linesOf(split)) {
        const l = buf.toString('utf8').replace(/\n$/, '');
        list.push(l);
        for (const w of waiters.filter((w) => w.name === name && w.re.test(l))) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(l);
        }
      }
    },
  });
  const events: PitEvent[] = [];
  engine.bus.on('*:*', (e) => events.push(e));
  after(() => engine.stop());
  await engine.start();
  return {
    engine,
    dir,
    events,
    notes,
    output: (name) => seen.get(name) ?? [],
    line: (name, re, ms = 10_000) => {
      const found = (seen.get(name) ?? []).find((l) => re.test(l));
      if (found) return Promise.resolve(found);
      return within(new Promise<string>((resolve) => waiters.push({ name, re, resolve })), ms, `a line of ${name} matching ${re}`);
    },
  };
}

/** A node one-liner as a pitfile command (a list, so no shell quoting). */
export const nodeCommand = (code: string) => JSON.stringify([process.execPath, '-e', code]);
