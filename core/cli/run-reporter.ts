// What engine run prints about the engine's events, beside the processes'
// output: state changes with their cause (once the start-up view is done),
// health, orphans, log and state-dir trouble, reloads.
import type { Engine } from '../engine.js';
import type { EventOf } from '../events/catalog.js';
import { displayPath } from '../errors.js';
import type { Terminal } from './terminal.js';

/** What a person sees of the engine's events: state changes (once the start-up view is done), health, reloads. */
export function noteEvents(engine: Engine, terminal: Terminal, isHolding: () => boolean): void {
  const said = new Map<string, string>();
  engine.bus.on('process:*:state', (e) => {
    // The reason is said once, on the first state change it causes ("api restarting: src/app.py changed (…)"), not on each that follows.
    const key = `${e.cause ?? ''}|${e.reason ?? ''}`;
    const fresh = said.get(e.process) !== key;
    said.set(e.process, key);
    if (isHolding()) return;
    terminal.note(`${e.process} ${describeState(e, fresh)}`);
  });
  engine.bus.on('process:*:unhealthy', (e) => terminal.note(`${e.process} unhealthy: ${e.reason}`));
  engine.bus.on('process:*:healthy', (e) => !isHolding() && terminal.note(`${e.subject} healthy`));
  engine.bus.on('engine:*:orphan', (e) => terminal.note(`pid ${e.pid} of ${e.process} left by a killed engine: ${e.outcome}`));
  engine.bus.on('engine:*:log-error', (e) => terminal.note(`${e.process}: ${e.message} [${e.code}]`));
  engine.bus.on('engine:*:log-resumed', (e) => terminal.note(`${e.process}: ${e.message}`));
  engine.bus.on('engine:*:state-error', (e) => {
    terminal.note(`${e.message} [${e.code}]`);
    if (e.fix) terminal.note(`  fix: ${e.fix}`);
  });
  engine.bus.on('engine:*:state-resumed', (e) => terminal.note(e.message));

  engine.bus.on('config:reloaded', (e) => {
    if (e.type !== 'config:reloaded') return;
    const parts = [...e.added.map((n) => `+${n}`), ...e.removed.map((n) => `-${n}`), ...e.changed.map((n) => `~${n}`)];
    terminal.note(`pitfile reloaded${parts.length ? `: ${parts.join(' ')}` : ' (no process changed)'}${e.reason ? ` (${e.reason})` : ''}`);
  });
  engine.bus.on('config:invalid', (e) => {
    if (e.type !== 'config:invalid') return;
    const where = (x: (typeof e.errors)[number]) => (x.file ? `${displayPath(x.file)}:${x.line}:${x.column}: ` : '');
    terminal.note(`pitfile not reloaded, keeping the running config:`);
    for (const x of e.errors) terminal.note(`  ${where(x)}${x.path ? `${x.path} ` : ''}${x.message} [${x.code}]`);
  });
}

/** "running (pid 42)", "restarting: src/app.py changed (reaction #1 on file:code:change)", "waiting for db: healthy". */
export function describeState(e: EventOf<'process:state'>, withReason = true): string {
  if (e.to === 'running') return `running (pid ${e.pid})`;
  if (e.to === 'waiting') return e.reason ?? 'waiting';
  const verb = e.to === 'stopping' && e.restart ? 'restarting' : e.to;
  return withReason && e.reason ? `${verb}: ${e.reason}` : verb;
}

