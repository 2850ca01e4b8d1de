// Runs inside a plugin worker thread (plugin-thread.ts): a team's plugin
// alone, or Pit's built-ins side by side, each kept apart by its `use`.
// Loads each plugin once, runs its setup when the host asks (as the plugin
// loads), then each hook the host asks for. A replaced worker starts empty,
// so setup runs again there before the next hook. A setup that throws is
// answered as `setupFailed`, not thrown, so the host can tell it from a
// failure of the hook it asked for.
import { pathToFileURL } from 'node:url';
import { isAbsolute } from 'node:path';
import type { PluginContext, PluginDefinition } from './contract.js';
import { pluginContext } from './context.js';
import { letPluginFindPit } from './self-resolve.js';
import type { PitEvent } from '../events/catalog.js';
import { thrownOf, type Thrown } from './plugin-failure.js';

export interface Task {
  use: string;
  options: Record<string, unknown>;
  root: string;
  stateDir: string;
  /** `ready`: answered at once, loading nothing (the host waits for a fresh worker to boot). */
  hook: 'ready' | 'describe' | 'setup' | 'onEvent' | 'action' | 'tick' | 'teardown';
  events?: PitEvent[];
  action?: string;
  args?: unknown;
  /** For an action: the event its reaction fired on. */
  event?: PitEvent;
  /** For an action: the id of its reaction:<id>:run, the cause of what it requests. */
  cause?: string;
}

/**
 * A call hands back at most this many emits: more than the host's budget
 * for a second would be dropped there anyway, and copying 100,000 of them
 * to the engine would cost it the memory the budget is there to save.
 */
export const MAX_EMITS_PER_CALL = 2000;
/** And at most this many log lines, each at most LOG_LINE_CHARS long: they are printed on the terminal. */
export const MAX_LOGS_PER_CALL = 100;
const LOG_LINE_CHARS = 4096;

export interface Outcome {
  emits: { name: string; data: Record<string, unknown> }[];
  /** Emits beyond MAX_EMITS_PER_CALL, counted, not kept. */
  droppedEmits: number;
  /** Log lines beyond MAX_LOGS_PER_CALL, counted, not kept. */
  droppedLogs: number;
  requests: { action: 'start' | 'stop' | 'restart'; process: string; reason: string | null }[];
  logs: string[];
  /** The action ended with ctx.fail(reason). */
  failed?: Thrown;
  /** setup threw this; the hook asked for did not run. */
  setupFailed?: Thrown;
  /** The hook threw this (handed over as data, so a PitError keeps its code). */
  threw?: Thrown;
  describe?: { name: string; on: string[]; actions: string[]; options: Record<string, unknown> | null; apiVersion: number; tickMs: number | null; actionTimeoutMs: number | null };
}

interface Loaded {
  def: PluginDefinition;
  outcome: Outcome;
  ctx: PluginContext;
  setUp: boolean;
}

/** The plugins in this worker, by `use`: the host runs one call of each at a time. */
const loaded = new Map<string, Loaded>();

async function load(task: Task): Promise<Loaded> {
  const known = loaded.get(task.use);
  if (known) return known;
  if (isAbsolute(task.use)) letPluginFindPit(task.use);
  const mod = await import(isAbsolute(task.use) ? pathToFileURL(task.use).href : task.use);
  const def = mod.default as PluginDefinition;
  if (!def || typeof def !== 'object' || typeof def.name !== 'string') {
    throw new Error(`${task.use} does not default-export a plugin (definePlugin({ name, ... }))`);
  }
  const outcome: Outcome = { emits: [], droppedEmits: 0, requests: [], logs: [], droppedLogs: 0 };
  const ctx = pluginContext(
    { name: def.name, options: task.options, root: task.root, stateDir: task.stateDir },
    {
      log: (text) => {
        if (outcome.logs.length < MAX_LOGS_PER_CALL) outcome.logs.push(text.slice(0, LOG_LINE_CHARS));
        else outcome.droppedLogs++;
      },
      emit: (name, data) => {
        if (outcome.emits.length < MAX_EMITS_PER_CALL) outcome.emits.push({ name, data });
        else outcome.droppedEmits++;
      },
      request: (action, process, reason) => void outcome.requests.push({ action, process, reason: typeof reason === 'string' ? reason : null }),
      fail: (reason) => void (outcome.failed = typeof reason === 'string' ? { message: reason, code: null, fix: null } : thrownOf(reason)),
    },
  );
  const plugin: Loaded = { def, outcome, ctx, setUp: false };
  loaded.set(task.use, plugin);
  return plugin;
}

/** One hook call; returns what the plugin emitted, requested and logged. */
export default async function runTask(task: Task): Promise<Outcome> {
  if (task.hook === 'ready') return { emits: [], droppedEmits: 0, requests: [], logs: [], droppedLogs: 0 };
  const p = await load(task);
  p.outcome.emits = [];
  p.outcome.droppedEmits = 0;
  p.outcome.droppedLogs = 0;
  p.outcome.requests = [];
  p.outcome.logs = [];
  delete p.outcome.failed;
  const { def, ctx } = p;
  if (task.hook === 'describe') {
    loaded.delete(task.use); // described, not set up: the next task sets it up
    return {
      ...p.outcome,
      describe: {
        name: def.name,
        on: typeof def.on === 'function' ? def.on(task.options as never) : def.on ?? [],
        actions: Object.keys(def.actions ?? {}),
        options: def.options ?? null,
        apiVersion: def.apiVersion ?? 1,
        tickMs: def.onTick && def.tickMs ? def.tickMs(task.options) : null,
        actionTimeoutMs: def.actionTimeoutMs ? def.actionTimeoutMs(task.options) : null,
      },
    };
  }
  if (!p.setUp) {
    // Nothing was set up in this worker, so there is nothing to tear down.
    if (task.hook === 'teardown') return { ...p.outcome };
    try {
      await def.setup?.(ctx);
    } catch (e) {
      return { ...p.outcome, setupFailed: thrownOf(e) };
    }
    p.setUp = true;
  }
  try {
    if (task.hook === 'onEvent') await def.onEvent?.(task.events ?? [], ctx);
    if (task.hook === 'action') {
      const fn = def.actions?.[task.action!];
      if (!fn) throw new Error(`plugin ${def.name} has no action "${task.action}"`);
      await fn(task.args, ctx, task.event);
    }
    if (task.hook === 'tick') await def.onTick?.(ctx);
    if (task.hook === 'teardown') await def.teardown?.(ctx);
  } catch (e) {
    return { ...p.outcome, threw: thrownOf(e) };
  }
  return { ...p.outcome };
}
