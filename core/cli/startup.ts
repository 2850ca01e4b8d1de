// The start-up view of `engine run` in a terminal, and what "started" means
// for each process there: running (and healthy, when it has a health check),
// or completed for a one-shot; failed when it goes fatal, unhealthy, or ends
// for good with an error, or when what it waits for failed before it started.
//
// The watch begins before the engine starts, so it sees every outcome: a
// plain process is running within milliseconds, long before the view is
// drawn (after the plugins load and the API opens), and a view that only
// listened from then on would wait for an event that had already passed.
import type { Engine } from '../engine.js';
import type { ProcessConfig } from '../model/pitfile.js';

export type Outcome = { ok: true; detail: string } | { ok: false; detail: string };

export interface StartupWatch {
  /** One promise per process started at launch, settling on its first verdict. */
  outcomes: Map<string, Promise<Outcome>>;
  /** Settle every outcome still pending with `detail` (the engine is stopping) and stop listening. */
  abandon(detail: string): void;
  /** What a process still on its way is doing now ("waiting for db: healthy"); `show` hears each change. */
  progress(name: string, show: (detail: string) => void): void;
}

interface Pending {
  /** Whether it has been launched (it has a verdict of its own to wait for). */
  launched: boolean;
  settle(o: Outcome): void;
}

/** Watch the processes `engine` starts at launch; call before `engine.start()`. */
export function watchStartup(engine: Engine): StartupWatch {
  const { processes } = engine.pitfile;
  const pending = new Map<string, Pending>();
  const outcomes = new Map<string, Promise<Outcome>>();
  const offs: (() => void)[] = [];
  const stop = () => offs.splice(0).forEach((off) => off());
  // A process held back by depends_on says what for until it has its verdict.
  const shown = new Map<string, string>();
  const showers = new Map<string, (detail: string) => void>();
  offs.push(
    engine.bus.on('process:*:state', (e) => {
      if (!pending.has(e.process)) return;
      const detail = e.to === 'waiting' ? (e.reason ?? 'waiting') : e.to === 'starting' ? 'starting' : null;
      if (!detail) return;
      shown.set(e.process, detail);
      showers.get(e.process)?.(detail);
    }),
  );
  for (const cfg of Object.values(processes)) {
    if (!engine.selection.start.has(cfg.name)) continue;
    outcomes.set(
      cfg.name,
      new Promise<Outcome>((resolve) => {
        pending.set(cfg.name, {
          launched: false,
          settle: (o) => {
            if (!pending.delete(cfg.name)) return;
            resolve(o);
            if (!pending.size) stop();
          },
        });
      }),
    );
  }
  for (const cfg of Object.values(processes)) if (engine.selection.start.has(cfg.name)) offs.push(...listen(engine, cfg, pending));
  // A dependency that failed leaves its dependents waiting for good: say so instead of spinning.
  for (const cfg of Object.values(processes)) {
    for (const dep of Object.keys(cfg.dependsOn)) {
      void outcomes.get(dep)?.then((o) => {
        const p = pending.get(cfg.name);
        if (!o.ok && p && !p.launched) p.settle({ ok: false, detail: `not started: ${dep} ${o.detail}` });
      });
    }
  }
  // A reload that removes a process ends its wait.
  offs.push(
    engine.bus.on('config:reloaded', (e) => {
      if (e.type === 'config:reloaded') e.removed.forEach((n) => pending.get(n)?.settle({ ok: false, detail: 'removed by a reload' }));
    }),
  );
  if (!pending.size) stop();
  return {
    outcomes,
    abandon: (detail) => {
      for (const p of [...pending.values()]) p.settle({ ok: false, detail });
      stop();
    },
    progress: (name, show) => {
      showers.set(name, show);
      const now = shown.get(name);
      if (now) show(now);
    },
  };
}

/** The start-up view: one line per process, ending once each has its verdict (or the engine stops). */
export async function showStartup(startup: StartupWatch): Promise<void> {
  const { Listr } = await import('listr2');
  await new Listr(
    [...startup.outcomes].map(([name, outcome]) => ({
      title: name,
      task: async (_: unknown, task: { title: string }) => {
        startup.progress(name, (detail) => (task.title = `${name}: ${detail}`));
        const o = await outcome;
        task.title = `${name}: ${o.detail}`;
        if (!o.ok) throw new Error(`${name}: ${o.detail}`);
      },
    })),
    // Its own SIGINT handler would exit 127 and leave every child running: signals are Pit's (signals.ts).
    { concurrent: true, exitOnError: false, registerSignalListeners: false, rendererOptions: { collapseErrors: false } },
  )
    .run()
    .catch(() => {});
}

/** Listen for the verdicts of one process; returns the listeners to remove. */
function listen(engine: Engine, cfg: ProcessConfig, pending: Map<string, Pending>): (() => void)[] {
  const name = cfg.name;
  const done = (o: Outcome) => pending.get(name)?.settle(o);
  // A one-shot that others wait on counts once it has completed, not when it starts.
  const awaited = Object.values(engine.pitfile.processes).some((p) => p.dependsOn[name] === 'completed');
  return [
    engine.bus.on(`process:${name}:state`, (e) => {
      const p = pending.get(name);
      if (p && e.to === 'starting') p.launched = true;
      if (e.to === 'running' && !cfg.health && !awaited) done({ ok: true, detail: `running (pid ${e.pid})` });
      else if (e.to === 'fatal') done({ ok: false, detail: e.reason ?? 'fatal' });
      else if (e.to === 'exited' && e.exit_code === 0 && cfg.restart.policy !== 'always') done({ ok: true, detail: 'completed' });
      else if (e.to === 'exited' && cfg.restart.policy === 'never') done({ ok: false, detail: e.reason ?? 'exited' });
      else if (e.to === 'stopped') done({ ok: false, detail: e.reason ?? 'stopped' });
    }),
    engine.bus.on(`process:${name}:healthy`, () => done({ ok: true, detail: `running and healthy (pid ${engine.supervisors.get(name)?.pid})` })),
    engine.bus.on(`process:${name}:unhealthy`, (e) => done({ ok: false, detail: `unhealthy: ${e.reason}` })),
  ];
}
