// Each built-in action's arguments: one shape per action, narrowed once from
// what the schema let through (a string, a list or a map, as written), so a
// handler reads typed fields and never casts.
import type { RunConcurrency } from '../../model/pitfile.js';
import type { ActionHandler } from './types.js';

export interface RunArgs {
  command: string | string[];
  cwd?: string;
  env?: Record<string, string>;
  concurrency?: RunConcurrency;
  timeout?: string;
}

export interface NotifyArgs {
  url: string;
  timeout?: string;
  retries?: number;
  headers?: Record<string, string>;
}

export interface EmitArgs {
  event: string;
  data: Record<string, unknown>;
}

/** Process names, globs ("web-*") or $process. */
export type Targets = string[];

export interface BuiltinArgs {
  start: Targets;
  stop: Targets;
  restart: Targets;
  run: RunArgs;
  emit: EmitArgs;
  notify: NotifyArgs;
}

export type BuiltinAction = keyof BuiltinArgs;

const targets = (written: unknown): Targets => (typeof written === 'string' ? [written] : (written as Targets));

// What schemas/pitfile.schema.json allows for each action, to its one shape.
const narrow: { [K in BuiltinAction]: (written: unknown) => BuiltinArgs[K] } = {
  start: targets,
  stop: targets,
  restart: targets,
  run: (w) => (typeof w === 'string' || Array.isArray(w) ? { command: w } : (w as RunArgs)),
  emit: (w) => (typeof w === 'string' ? { event: w, data: {} } : { data: {}, ...(w as Partial<EmitArgs> & { event: string }) }),
  notify: (w) => (typeof w === 'string' ? { url: w } : (w as NotifyArgs)),
};

/** The handler a reaction calls: `handler` given its action's arguments in their one shape. */
export function withArgs<K extends BuiltinAction>(action: K, handler: ActionHandler<BuiltinArgs[K]>): ActionHandler {
  return (call, env) => handler({ ...call, args: narrow[action](call.args) }, env);
}
