// What an action handler is given, and the engine side it may act on.
import type { EventBus } from '../../events/bus.js';
import type { Pitfile, ReactionConfig } from '../../model/pitfile.js';
import type { Vars } from '../conditions.js';
import type { Cause } from '../../events/cause.js';
import type { PitEvent } from '../../events/catalog.js';

/** The engine's processes, as actions see them; `cause` names the event behind the request and why. */
export interface ProcessControl {
  names(): string[];
  /** The processes a name means: a replica group's copies (api → api.1, api.2), else the name. */
  members?(name: string): string[];
  start(name: string, cause?: Cause): Promise<void>;
  stop(name: string, cause?: Cause): Promise<void>;
  /** `counted`: an automatic restart, spending from the restart budget. */
  restart(name: string, opts?: { counted?: boolean } & Cause): Promise<void>;
}

export interface ActionEnv {
  bus: EventBus;
  pitfile: Pitfile;
  processes: ProcessControl;
}

/** One call of an action from a fired reaction; `A`: its arguments' type (a built-in's, args.ts). */
export interface Invocation<A = unknown> {
  reaction: ReactionConfig;
  /** The action's place in `do`, so per-action state (a running command) has a key. */
  index: number;
  args: A;
  vars: Vars;
  /** The reaction:<id>:run published for this call, when the action does not publish its own. */
  ran?: PitEvent;
}

export type ActionHandler<A = unknown> = (call: Invocation<A>, env: ActionEnv) => Promise<void>;
