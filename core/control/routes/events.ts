// /v1/events: the journal's events by pattern, and the bus's live ones as
// server-sent events.
import { eventName, type PitEvent } from '../../events/catalog.js';
import { parsePattern } from '../../events/match.js';
import { badRequest, type Api } from '../http.js';
import { openStream } from '../sse.js';
import type { ControlDeps } from './deps.js';

export function registerEventRoutes(app: Api, { engine }: ControlDeps): void {
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
}

function checkedPattern(type: string | undefined): string {
  const pattern = type ?? '*:*';
  if ('error' in parsePattern(pattern)) throw badRequest(`bad event pattern "${pattern}": expected kind:subject:what with * per segment, e.g. process:*:exit`);
  return pattern;
}

/** An event as clients see it: its full name plus its payload. */
export function toWire(e: PitEvent): Record<string, unknown> & { name: string; at: number } {
  return { ...e, name: eventName(e) };
}
