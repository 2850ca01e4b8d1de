// Reactions that can never fire: an `on:` pattern naming an event no part
// of Pit emits (process:*:crashed, file:code:chnage, crom:nightly:tick).
// The kinds Pit owns have fixed names (events/catalog.ts); kinds a plugin
// makes up, and names a reaction's own `emit` makes up, stay free-form.
import { eventTypes } from '../events/catalog.js';
import { suggest } from './suggest.js';

/** What `on:` names, checked against what can be emitted. */
export interface EventNameContext {
  /** Names the pitfile's emit actions publish (deploy:api:done). */
  emitted: string[];
  /** Third-party plugins may emit any name: an unknown one is then a warning. */
  hasPlugins: boolean;
}

export interface EventNameProblem {
  message: string;
  /** Set when a plugin might emit the name after all. */
  warning: boolean;
}

/** The whats of each kind Pit owns; `custom` is not one (its events carry their own names). */
const fixedWhats = new Map<string, Set<string>>();
for (const t of eventTypes) {
  const [kind, what] = t.split(':');
  if (kind !== 'custom') fixedWhats.set(kind, (fixedWhats.get(kind) ?? new Set()).add(what));
}

/** Words people reach for, and the event that says it. */
const synonyms: Record<string, string> = {
  crash: 'exit', crashed: 'exit', died: 'exit', exited: 'exit', exits: 'exit', killed: 'exit',
  started: 'state', stopped: 'state', running: 'state', restarted: 'state', fatal: 'state', backoff: 'state',
  health: 'healthy', down: 'unhealthy', changed: 'change', modified: 'change', saved: 'change', ticked: 'tick',
};

/** Why the pattern's segments can never match an event, or null. */
export function checkEventName(segments: string[], ctx: EventNameContext): EventNameProblem | null {
  const [kind, subject, what] = segments;
  const emitted = ctx.emitted.map((n) => n.split(':'));
  if (kind === '*' || emitted.some((e) => segments.every((s, i) => s === '*' || s === e[i]))) return null;
  const whats = fixedWhats.get(kind);
  if (!whats) {
    // A kind a plugin made up, unless it is one of Pit's own misspelt.
    const near = suggest(kind, [...fixedWhats.keys()]);
    if (!near || emitted.some((e) => e[0] === kind)) return null;
    return { message: `no event kind is named "${kind}"; did you mean "${[near, ...segments.slice(1)].join(':')}"?`, warning: ctx.hasPlugins };
  }
  if (kind === 'config') {
    // Engine-wide events have no subject: config:reloaded.
    const name = segments.length === 3 ? what : subject;
    if (segments.length === 3) return { message: `config events have no subject: write "config:${what}"`, warning: false };
    return name === '*' || whats.has(name) ? null : unknownWhat(kind, [kind], name, whats, false);
  }
  if (what === undefined || what === '*' || whats.has(what)) return null;
  return unknownWhat(kind, [kind, subject], what, whats, kind === 'process' && ctx.hasPlugins);
}

function unknownWhat(kind: string, head: string[], what: string, whats: Set<string>, warning: boolean): EventNameProblem {
  const near = synonyms[what.toLowerCase()] ?? suggest(what, [...whats]);
  const hint = near && whats.has(near) ? `; did you mean "${[...head, near].join(':')}"?` : '';
  return { message: `no ${kind} event is named "${what}" (${kind} events: ${[...whats].join(', ')})${hint}`, warning };
}
