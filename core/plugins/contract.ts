// The plugin contract: what a plugin module default-exports, and the context
// its hooks get. Plugins run in worker threads and talk to the engine only
// through what their hooks emit and request; they never touch engine objects.
import type { PitEvent } from '../events/catalog.js';

type Awaitable<T> = T | Promise<T>;

/** What a hook may ask of the engine, collected and sent when the hook returns. */
export interface PluginContext<O = Record<string, unknown>> {
  /** The plugin's name and its options (defaults applied, checked against its schema). */
  name: string;
  options: O;
  /** The pitfile's directory and the engine's state directory. */
  root: string;
  stateDir: string;
  /** A line for the person watching, prefixed with the plugin's name. */
  log(text: string): void;
  /** Publish an event named kind:subject:what with `data`. */
  emit(name: string, data?: Record<string, unknown>): void;
  /**
   * Ask the engine to start, stop or restart a process; `reason` says why in
   * a few words ("memory 354 MiB > 200 MiB for 10 s"). Its cause is the
   * last event the same call emitted about that process (process:api:limit).
   */
  request(action: 'start' | 'stop' | 'restart', process: string, reason?: string): void;
  /**
   * In an action: end it as failed with `reason`, so the reaction's later
   * actions do not run. An outcome, not a fault: it never counts toward
   * disabling the plugin, as a throw does.
   */
  fail(reason: string): void;
}

export interface PluginDefinition<O = Record<string, unknown>> {
  /** Names the plugin in events (plugin:<name>:error) and actions (<name>.<action>). */
  name: string;
  /** The contract version the plugin was written for. */
  apiVersion?: 1;
  /** JSON Schema of its options; `default`s are applied. */
  options?: Record<string, unknown>;
  /** Event patterns it receives, e.g. ["process:*:exit"]; or computed from its options, to narrow them. */
  on?: string[] | ((options: O) => string[]);
  setup?(ctx: PluginContext<O>): Awaitable<void>;
  /** Events arrive in batches: every matching event of one engine tick. */
  onEvent?(events: PitEvent[], ctx: PluginContext<O>): Awaitable<void>;
  /** Actions reactions can call as { <name>.<action>: args }; `event` is the one the reaction fired on. */
  actions?: Record<string, (args: unknown, ctx: PluginContext<O>, event?: PitEvent) => Awaitable<void>>;
  /** How long an action may run, from the options, when the host's limit is too short (an install takes minutes). */
  actionTimeoutMs?(options: O): number;
  /** How often the host calls onTick, from the options (e.g. a sampling interval). */
  tickMs?(options: O): number;
  onTick?(ctx: PluginContext<O>): Awaitable<void>;
  teardown?(ctx: PluginContext<O>): Awaitable<void>;
}

/** Declare a plugin; exists for its types. */
export const definePlugin = <O = Record<string, unknown>>(p: PluginDefinition<O>): PluginDefinition<O> => p;

/** The contract version this engine speaks. */
export const PLUGIN_API_VERSION = 1;
