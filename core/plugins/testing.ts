// pitengine/testing: run a plugin's hooks against events you make up, in
// the test's own thread, with no engine. What the plugin emitted, asked the
// engine to do and logged comes back as plain data to assert on.
import type { PitEvent, ProcessState } from '../events/catalog.js';
import type { PluginContext, PluginDefinition } from './contract.js';
import type { PitErrorCode } from '../errors.js';
import { pluginContext } from './context.js';

export interface Recorded {
  emits: { name: string; data: Record<string, unknown> }[];
  requests: { action: 'start' | 'stop' | 'restart'; process: string; reason?: string }[];
  logs: string[];
  /** What the last action passed to ctx.fail, if it did (a PitError's message). */
  failed?: string;
  /** Its code, when it failed with a PitError. */
  failedCode?: PitErrorCode;
}

export interface PluginHarness<O> extends Recorded {
  ctx: PluginContext<O>;
  /** Deliver one batch of events to onEvent (only those its `on` patterns match are its business; all are given). */
  send(...events: PitEvent[]): Promise<void>;
  /** Call an action as a reaction would, after `event`. */
  act(action: string, args?: unknown, event?: PitEvent): Promise<void>;
  tick(): Promise<void>;
  teardown(): Promise<void>;
  /** Forget what was recorded so far. */
  clear(): void;
}

/** Set `plugin` up with `options` (no schema defaults are applied: pass them) and return a harness. */
export async function testPlugin<O>(plugin: PluginDefinition<O>, options: O, where: { root?: string; stateDir?: string } = {}): Promise<PluginHarness<O>> {
  const h = { emits: [], requests: [], logs: [] } as unknown as PluginHarness<O>;
  h.ctx = pluginContext(
    { name: plugin.name, options, root: where.root ?? process.cwd(), stateDir: where.stateDir ?? process.cwd() },
    {
      log: (text) => void h.logs.push(text),
      emit: (name, data) => void h.emits.push({ name, data }),
      request: (action, process, reason) => void h.requests.push(reason === undefined ? { action, process } : { action, process, reason: reason as string }),
      fail: (reason) => {
        h.failed = typeof reason === 'string' ? reason : reason.message;
        if (typeof reason !== 'string') h.failedCode = reason.code;
      },
    },
  );
  h.send = async (...events) => void (await plugin.onEvent?.(events, h.ctx));
  h.act = async (action, args, event) => {
    const fn = plugin.actions?.[action];
    if (!fn) throw new Error(`plugin ${plugin.name} has no action "${action}"`);
    delete h.failed;
    delete h.failedCode;
    await fn(args, h.ctx, event);
  };
  h.tick = async () => void (await plugin.onTick?.(h.ctx));
  h.teardown = async () => void (await plugin.teardown?.(h.ctx));
  h.clear = () => {
    h.emits.length = 0;
    h.requests.length = 0;
    h.logs.length = 0;
    delete h.failed;
    delete h.failedCode;
  };
  await plugin.setup?.(h.ctx);
  return h;
}

let testIds = 0;

/** A process:<name>:state event, for feeding plugins in tests. */
export function stateEvent(process: string, from: ProcessState, to: ProcessState, pid: number | null = null): PitEvent {
  return { id: `test-${++testIds}`, type: 'process:state', subject: process, at: Date.now(), process, from, to, pid, exit_code: null, signal: null, reason: null };
}
