// What "started" means for each process, for the startup view: running (and
// healthy, when it has a health check), or completed for a one-shot; failed
// when it goes fatal, unhealthy, or ends for good with an error.
import type { Engine } from '../engine.js';
import type { Supervisor } from '../supervisor/supervisor.js';

export type Outcome = { ok: true; detail: string } | { ok: false; detail: string };

/** One promise per autostart process, settling on its first verdict. */
export function startupOutcomes(engine: Engine): Map<string, Promise<Outcome>> {
  const out = new Map<string, Promise<Outcome>>();
  for (const sup of engine.supervisors.values()) {
    if (sup.cfg.autostart) out.set(sup.name, outcomeOf(engine, sup));
  }
  return out;
}

function outcomeOf(engine: Engine, sup: Supervisor): Promise<Outcome> {
  // A one-shot that others wait on counts once it has completed, not when it starts.
  const awaited = [...engine.supervisors.values()].some((s) => s.cfg.dependsOn[sup.name] === 'completed');
  return new Promise((resolve) => {
    const offs: (() => void)[] = [];
    const done = (o: Outcome) => {
      offs.forEach((off) => off());
      resolve(o);
    };
    offs.push(
      engine.bus.on(`process:${sup.name}:state`, (e) => {
        if (e.type !== 'process:state') return;
        if (e.to === 'running' && !sup.cfg.health && !awaited) done({ ok: true, detail: `running (pid ${e.pid})` });
        else if (e.to === 'fatal') done({ ok: false, detail: e.reason ?? 'fatal' });
        else if (e.to === 'exited' && e.exit_code === 0 && sup.cfg.restart.policy !== 'always') done({ ok: true, detail: 'completed' });
        else if (e.to === 'exited' && sup.cfg.restart.policy === 'never') done({ ok: false, detail: e.reason ?? 'exited' });
      }),
      engine.bus.on(`process:${sup.name}:healthy`, () => done({ ok: true, detail: `running and healthy (pid ${sup.pid})` })),
      engine.bus.on(`process:${sup.name}:unhealthy`, (e) => done({ ok: false, detail: e.type === 'process:unhealthy' ? `unhealthy: ${e.reason}` : 'unhealthy' })),
    );
  });
}
