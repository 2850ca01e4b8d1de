// The plugin contract: what a plugin module default-exports, and the context
// its hooks get. Plugins run in worker threads and talk to the engine only
// through what their hooks emit and request; they never touch engine objects.
import type { Command } from 'commander';
import type { EmitData, PitEvent } from '../events/catalog.js';
import type { Pitfile } from '../model/pitfile.js';
import type { CheckResult, DoctorInputs } from '../doctor/check-result.js';
import type { PitError } from '../errors.js';

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
  /**
   * Publish an event named kind:subject:what with `data`. A name the
   * catalogue declares for plugins (process:api:stats) is published as that
   * event, its payload checked here by its type; any other name as a
   * custom:event. The engine's own events (process:api:exit) are refused.
   */
  emit<N extends string>(name: N, ...data: {} extends EmitData<N> ? [data?: EmitData<N>] : [data: EmitData<N>]): void;
  /**
   * Ask the engine to start, stop or restart a process; `reason` says why in
   * a few words ("memory 354 MiB > 200 MiB for 10 s"). Its cause is the
   * last event the same call emitted about that process (process:api:limit).
   */
  request(action: 'start' | 'stop' | 'restart', process: string, reason?: string): void;
  /**
   * In an action: end it as failed with `reason` (a PitError of the
   * catalogue keeps its code in reaction:failed), so the reaction's later
   * actions do not run. An outcome, not a fault: it never counts toward
   * disabling the plugin, as a throw does.
   */
  fail(reason: string | PitError): void;
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

  // What follows runs in the engine's (or the CLI's) own thread, not in a
  // worker, so the engine reads it only from the plugins Pit ships: trusted
  // code, registered statically (core/plugins/builtins.ts). A plugin listed
  // in the pitfile is turned on by being listed, runs only in its worker,
  // and is never imported by `engine validate` or `--help`.

  /**
   * A top-level pitfile section it owns (python-installer: `installer:`): its
   * JSON Schema, which the build writes into schemas/pitfile.schema.json
   * (compose-schema.ts). The engine checks it there like any other section,
   * and activate finds it as written, its defaults applied, in
   * pitfile.sections[key]: the core reads none of it.
   */
  section?: { key: string; schema: Record<string, unknown> };
  /** A built-in: whether `pitfile` turns it on, with its options; null (or absent) leaves it off. */
  activate?(pitfile: Pitfile): O | null;
  /** Of its actions, those a reaction may call by their bare name: { install: {} } for <name>.install. */
  shortActions?: string[];
  /** Register its CLI verbs on `program`; a verb's action imports what it runs, so --help runs none of it. */
  commands?(program: Command): void;
  /** engine doctor's checks it adds; `pitfile` is null when it does not load. */
  doctor?(inputs: DoctorInputs, pitfile: Pitfile | null): Promise<CheckResult[]>;
  /** Lines engine status prints under its table (its queue, say); empty for none. */
  status?(where: { stateDir: string }): Awaitable<string>;
  /** Control API endpoints it serves (documented in schemas/control.openapi.json). */
  routes?: PluginRoute[];
}

/** One control API endpoint of a plugin. */
export interface PluginRoute {
  method: 'GET' | 'POST';
  /** e.g. "/v1/installs/:id/approve"; `:id` arrives in params. */
  path: string;
  /** Answers with the JSON it returns; a throw answers 400 with its message. */
  handle(req: { params: Record<string, string>; body: unknown }, engine: PluginEngine): Promise<unknown>;
}

/** What a plugin's route may ask of the running engine. */
export interface PluginEngine {
  /** Run one of the plugin's actions outside any reaction; rejects with the action's failure. */
  runAction(action: string, args: unknown): Promise<void>;
}

/** A plugin Pit ships: where its module is (for the worker) and its definition (for the engine's thread). */
export interface BuiltinPlugin {
  use: string;
  // Each built-in has its own options type; the engine handles them as written by activate.
  definition: PluginDefinition<any>;
}

/** Declare a plugin; exists for its types. */
export const definePlugin = <O = Record<string, unknown>>(p: PluginDefinition<O>): PluginDefinition<O> => p;

/** The contract version this engine speaks. */
export const PLUGIN_API_VERSION = 1;
