// The control API's endpoints; schemas/control.openapi.json documents each
// one and a test checks every response against it.
import type { ServerResponse } from 'node:http';
import type { Engine } from '../engine.js';
import { PitError, errors } from '../errors.js';
import { badRequest, send, sendError, sendJson, withStatus, type Api, type Request } from './http.js';
import { version } from '../version.js';
import { redactPitfile } from '../config/redact.js';
import { eventName, type PitEvent } from '../events/catalog.js';
import { parsePattern } from '../events/match.js';
import { personReason, type Via } from '../events/cause.js';
import { readLogs, type LogLine } from '../logs/log-reader.js';
import { engineHealth, type HealthVerdict } from '../health/engine-health.js';
import { beatVerdict } from '../health/heartbeat-file.js';
import type { ProcessViews, ProcessView } from './process-view.js';
import { builtins } from '../plugins/builtins.js';
import type { EngineMetrics } from '../metrics/metrics.js';

export interface ControlDeps {
  engine: Engine;
  views: ProcessViews;
  metrics: EngineMetrics;
  shutdown(): void;
  startedAt: number;
}

const ACTIONS = ['start', 'stop', 'restart'] as const;
type Action = (typeof ACTIONS)[number];

/** A follower that cannot keep up loses lines (and is told how many), never slows the engine. */
const FOLLOW_BUFFER_BYTES = 1024 * 1024;
/** One /v1/logs answer holds at most this much text; older lines beyond it are left out (truncated: true). */
export const LOGS_MAX_BYTES = 8 * 1024 * 1024;
/** Event streams open at once, over every client: each holds a buffer of up to FOLLOW_BUFFER_BYTES. */
export const MAX_STREAMS = 32;

export function registerRoutes(app: Api, deps: ControlDeps): void {
  const { engine, views } = deps;

  app.get('/v1/engine', async () => ({
    version,
    pid: process.pid,
    started_at: new Date(deps.startedAt).toISOString(),
    uptime_s: Math.round((Date.now() - deps.startedAt) / 1000),
    file: engine.pitfile.file,
    root: engine.pitfile.root,
    state_dir: engine.pitfile.settings.stateDir,
    processes: engine.supervisors.size,
  }));

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

  // engine scale api 5: start or stop replicas; the count holds until the pitfile's replicas changes.
  app.post('/v1/scale', async (req) => {
    const body = req.body as { name?: unknown; replicas?: unknown; via?: unknown } | null | undefined;
    if (typeof body?.name !== 'string' || typeof body.replicas !== 'number') throw badRequest('the body must be {"name": "api", "replicas": 3}');
    let diff;
    try {
      diff = await engine.scale(body.name, body.replicas, { reason: personReason('scale', viaOf(body.via)) });
    } catch (e) {
      if (e instanceof PitError && e.code === 'PIT_E_PROCESS_SCALE') throw withStatus(e, 400);
      throw e;
    }
    const g = engine.pitfile.replicas[body.name];
    return { name: body.name, replicas: g.count, pitfile: g.written, started: diff.added, stopped: diff.removed };
  });

  app.post('/v1/reload', async (req, res) => {
    const outcome = await engine.reload({ reason: personReason('reload', viaOf((req.body as { via?: unknown } | null | undefined)?.via)) });
    if ('errors' in outcome) {
      const e = errors.PIT_E_CONFIG_INVALID(`the pitfile has ${outcome.errors.length} problem${outcome.errors.length === 1 ? '' : 's'}; the engine keeps its running config`);
      return sendError(res, 422, e, { errors: outcome.errors });
    }
    return { ...outcome.diff, restart_needed: engine.restartNeeded() };
  });

  app.post('/v1/shutdown', async (_req, res) => {
    // Answer first: the engine's stop closes this server.
    res.once('finish', () => deps.shutdown());
    sendJson(res, 202, { ok: true });
  });

  // Index URLs may carry a token: shown without it.
  app.get('/v1/config', async () => redactPitfile(engine.pitfile));

  app.get('/v1/health', async () => healthOf(engine, views.all()));

  app.get('/v1/logs', async (req: Request<{ process?: string | string[]; lines?: string; since?: string; stream?: string; follow?: string }>, res) => {
    const q = req.query;
    // A name given twice (or 1,500 times) is read once.
    const names = q.process === undefined ? [] : [...new Set([q.process].flat())];
    for (const n of names) if (!engine.supervisors.has(n) && !(n in engine.pitfile.replicas)) throw unknownProcess(engine, n);
    const wanted = names.length ? [...new Set(names.flatMap((n) => engine.members(n)))] : [...engine.supervisors.keys()];
    const count = intParam('lines', q.lines, 100, 100_000);
    const sinceMs = intParam('since', q.since, 0, Number.MAX_SAFE_INTEGER);
    if (q.stream !== undefined && q.stream !== 'out' && q.stream !== 'err') throw badRequest(`stream is out or err, got "${q.stream}"`);
    const only = q.stream as 'out' | 'err' | undefined;
    const { lines, truncated } = newestWithin(readLogs(engine.pitfile.settings.stateDir, wanted, { count, sinceMs, stream: only }), LOGS_MAX_BYTES);
    if (q.follow !== '1' && q.follow !== 'true') return truncated ? { lines, truncated } : { lines };
    const sse = openStream(res);
    lines.forEach((l) => sse.send('line', l));
    const offs = wanted.flatMap((n) =>
      (['stdout', 'stderr'] as const).filter((s) => !only || only === (s === 'stdout' ? 'out' : 'err')).map((s) =>
        engine.bus.on(`process:${n}:${s}`, (e) => {
          const line: LogLine = { process: n, at: e.at, stream: s === 'stdout' ? 'out' : 'err', line: e.line };
          sse.send('line', line);
        }),
      ),
    );
    sse.onClose(() => offs.forEach((off) => off()));
  });

  app.get('/v1/events', async (req) => {
    const q = req.query;
    const pattern = checkedPattern(q.type);
    const num = (v: string | undefined, what: string) => {
      if (v === undefined) return undefined;
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) throw badRequest(`${what} must be a whole number${what === 'limit' ? '' : ' of milliseconds since 1970'}, got "${v}"`);
      return n;
    };
    if (!engine.journal) throw badRequest('the engine has not started its journal yet');
    return { events: engine.journal.query({ type: pattern, since: num(q.since, 'since'), until: num(q.until, 'until'), limit: num(q.limit, 'limit'), process: q.process, quiet: q.quiet === '1' }) };
  });

  app.get('/v1/events/stream', async (req, res) => {
    const pattern = checkedPattern(req.query.type);
    const sse = openStream(res);
    // Output lines are published only for a follower that names them (process:api:stdout).
    const wantsLines = /:(stdout|stderr)$/.test(pattern);
    const off = engine.bus.on(pattern, (e) => sse.send('event', toWire(e)), { passive: !wantsLines });
    sse.onClose(off);
  });

  registerPluginRoutes(app, engine);

  app.get('/metrics', async (_req, res) => {
    const { text, contentType } = await deps.metrics.scrape();
    send(res, 200, text, { 'content-type': contentType });
  });
}

/** The built-in plugins' endpoints (python-installer: POST /v1/installs/:id/approve); a throw answers 400. */
function registerPluginRoutes(app: Api, engine: Engine): void {
  for (const { definition: plugin } of builtins()) {
    const asked = { runAction: (action: string, args: unknown) => engine.runAction(`${plugin.name}.${action}`, args) };
    for (const route of plugin.routes ?? []) {
      app[route.method === 'GET' ? 'get' : 'post'](route.path, async (req) => {
        try {
          return await route.handle({ params: req.params, body: req.body }, asked);
        } catch (e) {
          throw e instanceof PitError ? withStatus(e, 400) : badRequest((e as Error).message);
        }
      });
    }
  }
}

/** Who asks, as the client says (the CLI and the dashboard do); none given is the API. */
function viaOf(v: unknown): Via {
  if (v === undefined || v === 'api') return 'api';
  if (v === 'cli' || v === 'dashboard' || v === 'mcp') return v;
  throw badRequest(`via is cli, dashboard, mcp or api, got ${JSON.stringify(v)}`);
}

/** The id of the event that asked (engine mcp's mcp:restart:call), so engine why can name it. */
function causeOf(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string' || !/^[a-z0-9-]{1,64}$/.test(v)) throw badRequest(`cause is an event id like "mj3k2x-12", got ${JSON.stringify(v)}`);
  return v;
}

function checkedPattern(type: string | undefined): string {
  const pattern = type ?? '*:*';
  if ('error' in parsePattern(pattern)) throw badRequest(`bad event pattern "${pattern}": expected kind:subject:what with * per segment, e.g. process:*:exit`);
  return pattern;
}

/** Until `name` is past "starting" (running, or failed): a restart answers with the new pid. */
async function leftStarting(engine: Engine, name: string, withinMs = 10_000): Promise<void> {
  if (engine.supervisors.get(name)?.state !== 'starting') return;
  await engine.bus
    .next(`process:${name}:state`, { withinMs, where: (e) => e.to !== 'starting' })
    .catch(() => {}); // still starting: answer with that
}

/** An event as clients see it: its full name plus its payload. */
export function toWire(e: PitEvent): Record<string, unknown> & { name: string; at: number } {
  return { ...e, name: eventName(e) };
}

export function healthOf(engine: Engine, processes: ProcessView[]): HealthVerdict {
  const hb = engine.pitfile.heartbeat;
  const beat = hb ? beatVerdict(hb.file, hb.intervalMs) : null;
  return engineHealth({
    processes: processes.map((p) => ({
      name: p.name,
      state: p.state,
      healthy: p.healthy,
      last_exit_code: p.last_exit?.code ?? null,
      expected: isExpected(p),
      waiting_for: p.waiting_for,
    })),
    heartbeat: hb && beat ? { ageMs: beat.ageMs, intervalMs: hb.intervalMs } : null,
  });
}

/** Whether a process ought to be running: not one left stopped on purpose, nor a one-shot that completed. */
export function isExpected(p: { state: string; last_exit?: { code: number | null } | null }): boolean {
  return p.state !== 'stopped' && !(p.state === 'exited' && p.last_exit?.code === 0);
}

interface Stream {
  send(event: string, data: unknown): void;
  onClose(fn: () => void): void;
}

/** The newest of `lines` whose text adds up to at most `maxBytes`. */
function newestWithin(lines: LogLine[], maxBytes: number): { lines: LogLine[]; truncated: boolean } {
  let bytes = 0;
  for (let i = lines.length - 1; i >= 0; i--) {
    bytes += lines[i].line.length + 64;
    if (bytes > maxBytes) return { lines: lines.slice(i + 1), truncated: true };
  }
  return { lines, truncated: false };
}

let openStreams = 0;

/** Server-sent events on the response; a slow reader loses messages, and is told. */
function openStream(res: ServerResponse): Stream {
  if (openStreams >= MAX_STREAMS) throw withStatus(errors.PIT_E_CONTROL_STREAMS(MAX_STREAMS), 503);
  openStreams++;
  res.once('close', () => openStreams--);
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  res.write(': pit\n\n');
  let dropped = 0;
  const closers: (() => void)[] = [];
  const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
  res.once('close', () => {
    clearInterval(keepAlive);
    closers.forEach((fn) => fn());
  });
  return {
    send(event, data) {
      if (res.writableEnded || res.destroyed) return;
      if (res.writableLength > FOLLOW_BUFFER_BYTES) {
        dropped++;
        return;
      }
      if (dropped) {
        res.write(`event: dropped\ndata: ${JSON.stringify({ count: dropped })}\n\n`);
        dropped = 0;
      }
      res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    onClose: (fn) => closers.push(fn),
  };
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

function intParam(name: string, text: string | undefined, fallback: number, max: number): number {
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > max) throw badRequest(`${name} must be a whole number from 0 to ${max}, got "${text}"`);
  return n;
}

function unknownProcess(engine: Engine, name: string): PitError & { statusCode: number } {
  return withStatus(errors.PIT_E_CONTROL_UNKNOWN_PROCESS(name, [...engine.supervisors.keys()].join(', ') || 'none'), 404);
}

