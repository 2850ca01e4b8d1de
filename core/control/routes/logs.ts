// /v1/logs: the newest lines of the processes named, and with follow=1
// the lines as they are written, as server-sent events.
import { readLogs, type LogLine } from '../../logs/log-reader.js';
import { badRequest, type Api, type Request } from '../http.js';
import { openStream } from '../sse.js';
import type { ControlDeps } from './deps.js';
import { intParam, unknownProcess } from './params.js';

/** One /v1/logs answer holds at most this much text; older lines beyond it are left out (truncated: true). */
export const LOGS_MAX_BYTES = 8 * 1024 * 1024;

export function registerLogRoutes(app: Api, { engine }: ControlDeps): void {
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
