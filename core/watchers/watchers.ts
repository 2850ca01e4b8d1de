// Every watcher of a pitfile, publishing file:<name>:change and
// cron:<name>:tick on the bus.
import type { EventBus } from '../events/bus.js';
import type { Pitfile } from '../model/pitfile.js';
import { watchFiles } from './file-watcher.js';
import { watchCron } from './cron-watcher.js';

/** Start the pitfile's watchers; `ready` once file watchers see changes. */
export function armWatchers(pitfile: Pitfile, bus: EventBus): { ready: Promise<void>; close(): Promise<void> } {
  const ready: Promise<void>[] = [];
  const closers: (() => Promise<void> | void)[] = [];
  for (const w of Object.values(pitfile.watchers)) {
    if (w.kind === 'cron') {
      closers.push(
        watchCron(w, (t) =>
          bus.publish('cron:tick', w.name, { watcher: w.name, scheduled_for: new Date(t.scheduledFor).toISOString(), late_ms: t.lateMs }),
        ),
      );
    } else {
      const h = watchFiles(w, pitfile.settings.stateDir, (changes) =>
        bus.publish('file:change', w.name, { watcher: w.name, paths: changes.map((c) => c.path), changes }),
      );
      ready.push(h.ready);
      closers.push(h.close);
    }
  }
  return {
    ready: Promise.all(ready).then(() => {}),
    close: async () => {
      await Promise.all(closers.map((c) => c()));
    },
  };
}
