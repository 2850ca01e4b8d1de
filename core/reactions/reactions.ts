// Reactions: when an event matches `on` and `if` holds, run `do` in order.
// Each reaction handles its events one at a time; debounce and throttle
// thin them out, and a reaction firing more than 20 times in a second is
// suspended, so a reaction that triggers itself cannot spin.
import type { EventBus } from '../events/bus.js';
import type { PitEvent } from '../events/catalog.js';
import type { ReactionConfig } from '../model/pitfile.js';
import { evaluate, type Vars } from './conditions.js';
import { compileLinePattern, type LinePattern } from '../logs/line-pattern.js';
import { reactionReason } from '../events/cause.js';
import type { ActionEnv, ActionHandler } from './actions/types.js';
import { start, stop, restart } from './actions/process.js';
import { run } from './actions/run.js';
import { emit } from './actions/emit.js';
import { notify } from './actions/notify.js';
import { errors, PitError } from '../errors.js';

/** The built-in actions; plugins add theirs under "plugin.action". */
export const builtinActions: Record<string, ActionHandler> = { start, stop, restart, run, emit, notify };

export const LOOP_LIMIT = { fires: 20, windowMs: 1000 };

/** Actions that publish their own reaction:<id>:run (a run's when its command ends, a verb's as it acts). */
const REPORTS_ITS_RUN = new Set(['run', 'start', 'stop', 'restart']);

export interface ReactionsOptions {
  env: ActionEnv;
  /** The handler of an action by name; a plugin's may wait for its plugin to load. */
  action(name: string): ActionHandler | undefined | Promise<ActionHandler | undefined>;
  /** A line for the person watching (engine run's terminal). */
  log(text: string): void;
}

/** Sources a reaction keeps fire times for before it forgets the quiet ones. */
const MAX_SOURCES = 1000;

class Reaction {
  #queue: Promise<void> = Promise.resolve();
  /**
   * Recent fire times per source (the triggering event's subject): a loop,
   * or a child printing matching lines, suspends the reaction for that
   * source only, so it cannot silence the reaction for the others.
   */
  #fires = new Map<string, number[]>();
  #suspended = new Set<string>();
  #throttled: number[] = [];
  #debounce: NodeJS.Timeout | undefined;
  readonly #pattern: LinePattern | null;

  constructor(
    readonly cfg: ReactionConfig,
    private readonly opts: ReactionsOptions,
    private readonly off: () => void,
  ) {
    // RE2, not RegExp: the line is the child's, and a backtracking engine would let it stall the engine.
    this.#pattern = cfg.if?.match ? compileLinePattern(cfg.if.match) : null;
  }

  onEvent(event: PitEvent): void {
    if (this.#suspended.has(event.subject)) return;
    const vars = evaluate(this.cfg.if, event, this.#pattern);
    if (!vars) return;
    if (this.cfg.debounceMs !== null) {
      clearTimeout(this.#debounce);
      this.#debounce = setTimeout(() => this.#fire(vars, event.subject), this.cfg.debounceMs);
      return;
    }
    this.#fire(vars, event.subject);
  }

  /**
   * reaction:<id>:run for an action that does not publish its own (emit,
   * notify, a plugin's): every action is journaled, what it causes can
   * name it (a plugin's requests do), and it names the trigger.
   */
  #ran(action: string, trigger: PitEvent): PitEvent {
    return this.opts.env.bus.publish('reaction:run', this.cfg.id, {
      reaction: this.cfg.id, action, command: action, exit_code: null, signal: null, duration_ms: 0, log: null,
      cause: trigger.id, reason: reactionReason(this.cfg, trigger),
    });
  }

  dispose(): void {
    clearTimeout(this.#debounce);
    this.off();
  }

  #fire(vars: Vars, source: string): void {
    const now = Date.now();
    const t = this.cfg.throttle;
    if (t) {
      this.#throttled = this.#throttled.filter((x) => now - x < t.windowMs);
      if (this.#throttled.length >= t.max) return;
      this.#throttled.push(now);
    }
    if (this.#fires.size >= MAX_SOURCES && !this.#fires.has(source)) this.#fires.clear();
    const fires = (this.#fires.get(source) ?? []).filter((x) => now - x < LOOP_LIMIT.windowMs);
    fires.push(now);
    this.#fires.set(source, fires);
    if (fires.length > LOOP_LIMIT.fires) {
      this.#suspended.add(source);
      this.#fires.delete(source);
      this.opts.env.bus.publish('reaction:suspended', this.cfg.id, { reaction: this.cfg.id, source, fires: fires.length, window_ms: LOOP_LIMIT.windowMs });
      this.opts.log(
        `reaction ${this.cfg.id} suspended for events of ${source}: they fired it more than ${LOOP_LIMIT.fires} times in ${LOOP_LIMIT.windowMs}ms ` +
          `(does it trigger itself?); it still reacts to other sources; fix it, then reload the pitfile to re-arm it`,
      );
      return;
    }
    this.#queue = this.#queue.then(() => this.#runActions(vars));
  }

  async #runActions(vars: Vars): Promise<void> {
    for (const [index, step] of this.cfg.do.entries()) {
      try {
        const handler = await this.opts.action(step.action);
        if (!handler) throw errors.PIT_E_REACTION_ACTION_UNKNOWN(step.action);
        const ran = REPORTS_ITS_RUN.has(step.action) ? undefined : this.#ran(step.action, vars.event);
        await handler({ reaction: this.cfg, index, args: step.args, vars, ran }, this.opts.env);
      } catch (e) {
        // An action's failures are coded where they happen; anything else is a bug, and says so.
        const error = e instanceof PitError ? e : errors.PIT_E_REACTION_ACTION(step.action, (e as Error).message);
        this.opts.env.bus.publish('reaction:failed', this.cfg.id, { reaction: this.cfg.id, action: step.action, code: error.code, message: error.message });
        this.opts.log(`reaction ${this.cfg.id}: ${step.action} failed: ${error.message} [${error.code}]`);
        return; // later actions may rely on this one (install, then restart)
      }
    }
  }
}

/** Arm every reaction on `bus`; returns a function that disarms them all. */
export function armReactions(bus: EventBus, reactions: readonly ReactionConfig[], opts: ReactionsOptions): () => void {
  const armed = reactions.map((cfg) => {
    let r: Reaction | undefined;
    const off = bus.on(cfg.on, (e) => r?.onEvent(e));
    r = new Reaction(cfg, opts, off);
    return r;
  });
  return () => armed.forEach((r) => r.dispose());
}
