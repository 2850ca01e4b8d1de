// Every watcher of a pitfile, publishing file:<name>:change and
// cron:<name>:tick on the bus.
import type { EventBus } from '../events/bus.js';
import type { Pitfile } from '../model/pitfile.js';

/**
 * Start the pitfile's watchers; resolves once file watchers see changes. A
 * watch failure is published as engine:<watcher>:watch-error and told to `log`.
 */
export async function armWatchers(pitfile: Pitfile, bus: EventBus, log: (text: string) => void = () => {}): Promise<() => Promise<void>> {
  const ready: Promise<void>[] = [];
  const closers: (() => Promise<void> | void)[] = [];
  const all = Object.values(pitfile.watchers);
  // chokidar and cron-parser load only when a watcher needs them.
  const { watchFiles } = all.some((w) => w.kind === 'file') ? await import('./file-watcher.js') : { watchFiles: null };
  const { watchCron } = all.some((w) => w.kind === 'cron') ? await import('./cron-watcher.js') : { watchCron: null };
  for (const w of all) {
    if (w.kind === 'cron') {
      closers.push(
        watchCron!(w, (t) =>
          bus.publish('cron:tick', w.name, { watcher: w.name, scheduled_for: new Date(t.scheduledFor).toISOString(), late_ms: t.lateMs }),
        ),
      );
    } else {
      const h = watchFiles!(
        w,
        pitfile.settings.stateDir,
        (changes) => bus.publish('file:change', w.name, { watcher: w.name, paths: changes.map((c) => c.path), changes }),
        (e) => {
          bus.publish('engine:watch-error', w.name, { watcher: w.name, code: e.code, message: e.message, fix: e.fix ?? null });
          log(`${e.message} [${e.code}]${e.fix ? `; fix: ${e.fix}` : ''}`);
        },
      );
      ready.push(h.ready);
      closers.push(h.close);
    }
  }
  await Promise.all(ready);
  return async () => {
    await Promise.all(closers.map((c) => c()));
  };
}
