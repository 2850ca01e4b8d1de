// How a reaction reads and makes events, beyond their names: a declared
// event's fields sit on the event (${event.code}), and the names the
// catalogue declares are not for a reaction's `emit` to make up.
import { errors } from '../errors.js';
import { isEventType } from '../events/catalog.js';
import { parsePattern } from '../events/match.js';
import type { Problem } from './validate.js';

type Path = (string | number)[];

const NESTED = /\$\{event\.data\.([A-Za-z0-9_.]+)\}/g;

/**
 * A warning per ${event.data.x} in a reaction on one declared event type
 * (process:*:import-error): its fields were nested under data when a
 * built-in plugin emitted it; they are flat now, and data.x is read as x
 * for a while (conditions.ts). On a made-up event data is its own field.
 */
export function checkEventData(on: unknown, actions: unknown, at: Path): Problem[] {
  if (typeof on !== 'string') return [];
  const parsed = parsePattern(on);
  if ('error' in parsed || parsed.segments.length !== 3) return [];
  const [kind, , what] = parsed.segments;
  const type = `${kind}:${what}`;
  if (kind === '*' || what === '*' || !isEventType(type) || type === 'custom:event') return [];
  const out: Problem[] = [];
  walkStrings(actions, at, (text, path) => {
    for (const m of text.matchAll(NESTED)) out.push({ path, warning: true, error: errors.PIT_E_CONFIG_EVENT_DATA(m[0], type, `\${event.${m[1]}}`) });
  });
  return out;
}

/** An error for an emit action whose name is a declared event's (process:api:exit): the bus keeps those for their owners. */
export function checkEmitName(name: unknown, path: Path): Problem[] {
  if (typeof name !== 'string' || name.includes('${')) return [];
  const parsed = parsePattern(name);
  if ('error' in parsed || parsed.segments.length !== 3) return [];
  const [kind, , what] = parsed.segments;
  if (!isEventType(`${kind}:${what}`)) return [];
  return [{ path, error: errors.PIT_E_CONFIG_INVALID(`emit cannot make up "${name}": ${kind}:${what} is one of Pit's own events; pick another name, e.g. deploy:api:done`) }];
}

function walkStrings(value: unknown, path: Path, visit: (text: string, path: Path) => void): void {
  if (typeof value === 'string') visit(value, path);
  else if (Array.isArray(value)) value.forEach((v, i) => walkStrings(v, [...path, i], visit));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walkStrings(v, [...path, k], visit);
}
