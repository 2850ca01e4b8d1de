// import-error-matcher: when a process exits with a failure, reads the end of
// its output and, if it died of an import problem, emits
// process:<name>:import-error with what diagnose() found. Deciding at the
// exit (not on the line) is what tells a fatal import error from one a
// thread, a child or a handler survived.
import { definePlugin, type PitEvent } from '../../core/index.js';
import { diagnose } from './diagnose.js';

interface Options {
  /** Processes whose stderr is read. */
  processes: string[];
  /** Of those, the ones that print tracebacks on stdout too (pytest, IPython). */
  stdout: string[];
}

/** A traceback and what follows it fit easily; a flood only ever costs this much. */
const KEEP_LINES = 300;

const tails = new Map<string, { err: string[]; out: string[] }>();

function tailOf(process: string) {
  let t = tails.get(process);
  if (!t) tails.set(process, (t = { err: [], out: [] }));
  return t;
}

function keep(lines: string[], line: string): void {
  lines.push(line);
  if (lines.length > KEEP_LINES * 2) lines.splice(0, lines.length - KEEP_LINES);
}

export default definePlugin<Options>({
  name: 'import-error-matcher',
  options: {
    type: 'object',
    properties: {
      processes: { type: 'array', items: { type: 'string' }, default: [] },
      stdout: { type: 'array', items: { type: 'string' }, default: [] },
    },
    additionalProperties: false,
  },
  on: (o) => [
    ...(o.processes ?? []).flatMap((n) => [`process:${n}:stderr`, `process:${n}:exit`]),
    ...(o.stdout ?? []).map((n) => `process:${n}:stdout`),
  ],
  onEvent(events: PitEvent[], ctx) {
    for (const e of events) {
      if (e.type === 'process:stderr') keep(tailOf(e.process).err, e.line);
      else if (e.type === 'process:stdout') keep(tailOf(e.process).out, e.line);
      else if (e.type === 'process:exit') {
        const t = tailOf(e.process);
        tails.delete(e.process);
        if (e.exit_code === 0) continue;
        const found = diagnose(t.err.slice(-KEEP_LINES)) ?? diagnose(t.out.slice(-KEEP_LINES));
        if (found) ctx.emit(`process:${e.process}:import-error`, { process: e.process, exit_code: e.exit_code, ...found });
      }
    }
  },
});
