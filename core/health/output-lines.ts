// A process's output lines as a log check reads them: from the bus, so the
// lines are decoded only while a check listens (ProcessOutput publishes
// line events only to subscribers).
import type { EventBus } from '../events/bus.js';
import type { LineSource } from './check-watch.js';

/** The output lines of process `name`, stdout and stderr, from `bus`. */
export function outputLines(bus: EventBus, name: string): LineSource {
  return (handler) =>
    bus.on([`process:${name}:stdout`, `process:${name}:stderr`], (e) => {
      if (e.type === 'process:stdout') handler(e.line, 'stdout');
      else if (e.type === 'process:stderr') handler(e.line, 'stderr');
    });
}
