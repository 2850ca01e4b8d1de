// /v1/processes: the list (and its live stream), one process, and start,
// stop and restart (rolling too) of the processes named.
import type { Engine } from '../../engine.js';
import { PitError } from '../../errors.js';
import { personReason, type Via } from '../../events/cause.js';
import { badRequest, type Api } from '../http.js';
import type { ProcessViews } from '../process-view.js';
import { openStream } from '../sse.js';
import type { ControlDeps } from './deps.js';
import { causeOf, unknownProcess, viaOf } from './params.js';

/** One process's line in the answer to a start, stop or restart (engine start, the MCP tools read it). */
export type { ActionResult } from '../action-result.js';

const ACTIONS = ['start', 'stop', 'restart'] as const;
type Action = (typeof ACTIONS)[number];

export function registerProcessRoutes(app: Api, { engine, views }: ControlDeps): void {
  app.get('/v1/processes', async () => ({ processes: views.all() }));

  // The page's live table: the process list pushed every 2 s (CPU and memory change without events).
  app.get('/v1/processes/stream', async (_req, res) => {
    const sse = openStream(res);
    const push = () => sse.send('processes', { processes: views.all() });
    push();
    const timer = setInterval(push, 2000);
    sse.onClose(() => clearInterval(timer));
  });

  app.get('/v1/processes/:name', async (req) => {
    const view = views.all().find((p) => p.name === req.params.name);
    if (!view) throw unknownProcess(engine, req.params.name);
    return view;
  });

  app.post('/v1/processes/:action', async (req) => {
    const action = req.params.action as Action;
    if (!ACTIONS.includes(action)) throw badRequest(`unknown action "${req.params.action}"; expected start, stop or restart`);
    const body = req.body as { names?: unknown; via?: unknown; cause?: unknown; rolling?: unknown } | null | undefined;
    if (body?.rolling !== undefined && (typeof body.rolling !== 'boolean' || (body.rolling && action !== 'restart'))) throw badRequest('rolling is true or false, and only for restart');
    if (body?.rolling) return { results: await rollingRestart(engine, views, targets(engine, body.names, false), viaOf(body.via)) };
    const names = targets(engine, body?.names);
    const cause = causeOf(body?.cause);
    // A group is handled as a whole, in dependency order: start and restart
    // wait for depends_on as start-up does, stop takes dependents first.
    const group = { start: 'startProcesses', stop: 'stopProcesses', restart: 'restartProcesses' } as const;
    const outcomes = await engine[group[action]](names, { reason: personReason(action, viaOf(body?.via)), ...(cause ? { cause } : {}) });
    // A start also answers for the dependencies it started with them (ones never started before).
    const results = await Promise.all(
      [...new Set([...names, ...outcomes.keys()])].map(async (name) => {
        const e = outcomes.get(name);
        if (e) return { name, ok: false, error: e instanceof PitError ? `${e.message} [${e.code}]${e.fix ? `; fix: ${e.fix}` : ''}` : e.message };
        if (action !== 'stop') await leftStarting(engine, name);
        return { name, ok: true, error: null };
      }),
    );
    const byName = new Map(views.all().map((v) => [v.name, v]));
    return { results: results.map((r) => ({ ...r, state: byName.get(r.name)?.state ?? null, pid: byName.get(r.name)?.pid ?? null })) };
  });
}

/** Until `name` is past "starting" (running, or failed): a restart answers with the new pid. */
async function leftStarting(engine: Engine, name: string, withinMs = 10_000): Promise<void> {
  if (engine.supervisors.get(name)?.state !== 'starting') return;
  await engine.bus
    .next(`process:${name}:state`, { withinMs, where: (e) => e.to !== 'starting' })
    .catch(() => {}); // still starting: answer with that
}

/** The processes named; a replica group's name is all its replicas unless `expand` is false. */
function targets(engine: Engine, names: unknown, expand = true): string[] {
  if (!Array.isArray(names) || names.length === 0 || names.some((n) => typeof n !== 'string')) {
    throw badRequest('the body must be {"names": ["api", ...]} (or ["all"])');
  }
  if (names.includes('all')) return expand ? [...engine.supervisors.keys()] : [...new Set([...engine.supervisors.keys()].map((n) => engine.pitfile.processes[n]?.replica?.group ?? n))];
  for (const n of names) if (!engine.supervisors.has(n) && !(n in engine.pitfile.replicas)) throw unknownProcess(engine, n);
  return [...new Set(expand ? (names as string[]).flatMap((n) => engine.members(n)) : (names as string[]))];
}

/** restart --rolling: each named group one replica at a time (a plain process just restarts); one result per replica. */
async function rollingRestart(engine: Engine, views: ProcessViews, names: string[], via: Via) {
  // Per replica: the one that stopped the roll carries the error, those after it say they were not restarted.
  const errorOf = new Map<string, string>();
  for (const name of names) {
    try {
      await engine.restartRolling(name, { reason: `${personReason('restart', via)}, rolling` });
    } catch (e) {
      if (!(e instanceof PitError)) throw e;
      const at = (e as PitError & { replica?: string }).replica ?? name;
      const members = engine.members(name);
      errorOf.set(at, `${e.message} [${e.code}]${e.fix ? `; fix: ${e.fix}` : ''}`);
      members.slice(members.indexOf(at) + 1).forEach((m) => errorOf.set(m, `not restarted: the rolling restart stopped at ${at}`));
    }
  }
  const byName = new Map(views.all().map((v) => [v.name, v]));
  return names.flatMap((g) =>
    engine.members(g).map((name) => ({ name, ok: !errorOf.has(name), error: errorOf.get(name) ?? null, state: byName.get(name)?.state ?? null, pid: byName.get(name)?.pid ?? null })),
  );
}
