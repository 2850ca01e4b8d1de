// Causes: what a state change names as the event behind it, and the few
// words a person reads for each kind of cause. One place, so the line
// `engine run` prints, the event's `reason` and `engine why` say the same.
import { eventName, type Caused, type PitEvent } from './catalog.js';

/** How a start, stop or restart was asked for: the event behind it and why, in words. */
export type Cause = Caused;

/** An event as stored or served: a name, and any payload fields (the journal's rows, the API's). */
export type NamedEvent = { name: string; [key: string]: unknown };

/** "reaction #1" for a reaction without an id of its own (reaction-1), else "reaction deploy". */
export function reactionLabel(id: string): string {
  const n = /^reaction-(\d+)$/.exec(id);
  return n ? `reaction #${n[1]}` : `reaction ${id}`;
}

/** What happened, in a few words: "src/app.py changed", "memory 354 MiB > 200 MiB for 10 s". */
export function describeEvent(e: PitEvent): string {
  return summarize({ ...e, name: eventName(e) });
}

/** describeEvent for an event as the journal or the API gives it. */
export function summarize(e: NamedEvent): string {
  const data = (e.type === 'custom:event' && e.data && typeof e.data === 'object' ? e.data : e) as Record<string, unknown>;
  const kind = e.name.split(':')[0];
  const what = e.name.split(':').at(-1);
  if (kind === 'file' && Array.isArray(data.paths)) return `${listPaths(data.paths as string[])} changed`;
  if (kind === 'cron') return `cron ${e.name.split(':')[1]} ticked`;
  if (e.name.startsWith('process:') && what === 'exit') return `${e.name.split(':')[1]} ${e.signal ? `was killed by ${e.signal}` : `exited with code ${e.exit_code}`}`;
  if (e.name.startsWith('process:') && what === 'healthy') return `${e.name.split(':')[1]} became healthy`;
  if (kind === 'config' && what === 'reloaded') return typeof e.reason === 'string' && e.reason ? e.reason : 'pitfile reloaded';
  if (kind === 'reaction' && what === 'run' && typeof data.reaction === 'string') return reactionLabel(data.reaction);
  if (typeof data.reason === 'string' && data.reason) return data.reason;
  if (typeof e.reason === 'string' && e.reason) return e.reason;
  return e.name;
}

function listPaths(paths: string[]): string {
  const shown = paths.slice(0, 2).join(', ');
  return paths.length > 2 ? `${shown} and ${paths.length - 2} more` : shown;
}

/** The reason a reaction gives the processes it acts on: "src/app.py changed (reaction #1 on file:code:change)". */
export function reactionReason(reaction: { id: string; on: string }, trigger: PitEvent): string {
  return `${describeEvent(trigger)} (${reactionLabel(reaction.id)} on ${reaction.on})`;
}

/** Where a person's request came from, as a control API client says it. */
export type Via = 'cli' | 'dashboard' | 'api' | 'mcp';

/** "engine restart (CLI)", "restart (dashboard)", "restart (API)", "restart (MCP: a coding agent)". */
export function personReason(verb: string, via: Via): string {
  if (via === 'cli') return `engine ${verb} (CLI)`;
  if (via === 'mcp') return `${verb} (MCP: a coding agent)`;
  return `${verb} (${via === 'dashboard' ? 'dashboard' : 'API'})`;
}
