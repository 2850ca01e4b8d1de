// import-error-matcher: when a process fails on its own, reads the end of
// its output and, if it died of an import problem, emits
// process:<name>:import-error with what diagnose() found. Deciding at the
// exit (not on the line) is what tells a fatal import error from one a
// thread, a child or a handler survived. An exit the engine caused (a stop,
// restart, reload, limit or health restart) or a signal is never an import
// error, whatever the output says.
import { definePlugin, type PitEvent } from '../../core/index.js';
import { OutputTail } from './output-tail.js';
import { commandText, isPythonCommand } from '../shared/python-command.js';

interface Options {
  /** Processes whose stderr is read. */
  processes: string[];
  /** Of those, the ones that print tracebacks on stdout too (pytest, IPython). */
  stdout: string[];
  /** Each process's command as configured: runpy's "No module named x" counts only when it runs `python -m x`. */
  commands: Record<string, string | string[]>;
}

/** Tools that print tracebacks on stdout. */
const STDOUT_TRACEBACKS = /(^|[\s/"'])(pytest|py\.test|ipython|jupyter[\w-]*)(\s|$|["'])|-m\s+pytest\b/;

const tails = new Map<string, { err: OutputTail; out: OutputTail }>();

/**
 * The traceback readers, loaded at the first exit that may be an import
 * error: most runs have none (test/plugins/builtins-imports.test.ts holds
 * this file's static imports).
 */
let diagnoseModule: Promise<typeof import('./diagnose.js')> | null = null;

function tailOf(process: string) {
  let t = tails.get(process);
  if (!t) tails.set(process, (t = { err: new OutputTail(), out: new OutputTail() }));
  return t;
}

/**
 * An exit the engine caused (a stop, restart, reload, limit or health
 * restart) or a signal is no import error, whatever the output says; a
 * shell reports a child's signal as 128 + its number.
 */
function isFailureOfItsOwn(e: Extract<PitEvent, { type: 'process:exit' }>): boolean {
  if (e.caused_by_engine || e.signal !== null || e.exit_code === null) return false;
  return e.exit_code !== 0 && e.exit_code <= 128;
}

export default definePlugin<Options>({
  name: 'import-error-matcher',
  options: {
    type: 'object',
    properties: {
      processes: { type: 'array', items: { type: 'string' }, default: [] },
      stdout: { type: 'array', items: { type: 'string' }, default: [] },
      commands: { type: 'object', default: {} },
    },
    additionalProperties: false,
  },
  activate(pitfile) {
    // Reading stderr costs a decode per line: only of processes that may be Python.
    const python = Object.values(pitfile.processes).filter((p) => isPythonCommand(p.command));
    if (!python.length) return null;
    const stdout = python.filter((p) => STDOUT_TRACEBACKS.test(commandText(p.command))).map((p) => p.name);
    return { processes: python.map((p) => p.name), stdout, commands: Object.fromEntries(python.map((p) => [p.name, p.command])) };
  },
  on: (o) => [
    ...(o.processes ?? []).flatMap((n) => [`process:${n}:stderr`, `process:${n}:exit`]),
    ...(o.stdout ?? []).map((n) => `process:${n}:stdout`),
  ],
  async onEvent(events: PitEvent[], ctx) {
    for (const e of events) {
      if (e.type === 'process:stderr') tailOf(e.process).err.push(e.line);
      else if (e.type === 'process:stdout') tailOf(e.process).out.push(e.line);
      else if (e.type === 'process:exit') {
        const t = tailOf(e.process);
        tails.delete(e.process);
        if (!isFailureOfItsOwn(e)) continue;
        const { diagnose } = await (diagnoseModule ??= import('./diagnose.js'));
        const context = { command: ctx.options.commands?.[e.process] };
        for (const [stream, tail] of [['stderr', t.err], ['stdout', t.out]] as const) {
          const found = diagnose(tail.lines(), context);
          if (!found) continue;
          if (found.lines) found.lines = { from: found.lines.from + tail.dropped, to: found.lines.to + tail.dropped };
          ctx.emit(`process:${e.process}:import-error`, { process: e.process, exit_code: e.exit_code, stream, ...found });
          break;
        }
      }
    }
  },
});
