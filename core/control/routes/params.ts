// What a request names, checked once for every resource: who asks (via),
// the event that asked (cause), a process, a whole number.
import type { Engine } from '../../engine.js';
import { errors, type PitError } from '../../errors.js';
import type { Via } from '../../events/cause.js';
import { badRequest, withStatus } from '../http.js';

/** Who asks, as the client says (the CLI and the dashboard do); none given is the API. */
export function viaOf(v: unknown): Via {
  if (v === undefined || v === 'api') return 'api';
  if (v === 'cli' || v === 'dashboard' || v === 'mcp') return v;
  throw badRequest(`via is cli, dashboard, mcp or api, got ${JSON.stringify(v)}`);
}

/** The id of the event that asked (engine mcp's mcp:restart:call), so engine why can name it. */
export function causeOf(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string' || !/^[a-z0-9-]{1,64}$/.test(v)) throw badRequest(`cause is an event id like "mj3k2x-12", got ${JSON.stringify(v)}`);
  return v;
}

export function intParam(name: string, text: string | undefined, fallback: number, max: number): number {
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > max) throw badRequest(`${name} must be a whole number from 0 to ${max}, got "${text}"`);
  return n;
}

export function unknownProcess(engine: Engine, name: string): PitError & { statusCode: number } {
  return withStatus(errors.PIT_E_CONTROL_UNKNOWN_PROCESS(name, [...engine.supervisors.keys()].join(', ') || 'none'), 404);
}
