// Reactions: when an event matches `on` and `if` holds, run `do` in order.
// Each reaction handles its events one at a time; debounce and throttle
// thin them out, and a reaction firing more than 20 times in a second is
// suspended, so a reaction that triggers itself cannot spin.
import type { EventBus } from '../events/bus.js';
import type { PitEvent } from '../events/catalog.js';
import type { ReactionConfig } from '../model/pitfile.js';
import { evaluate, type Vars } from './conditions.js';
import type { ActionEnv, ActionHandler } from './actions/types.js';
import { start, stop, restart } from './actions/process.js';
import { run } from './actions/run.js';
import { emit } from './actions/emit.js';
import { notify } from './actions/notify.js';

/** The built-in actions; plugins add theirs under "plugin.action". */
export const builtinActions: Record<string, ActionHandler> = { start, stop, restart, run, emit, notify };

export const LOOP_LIMIT = { fires: 20, windowMs: 1000 };

export interface ReactionsOptions {
  env: ActionEnv;
  /** The handler of an action by name; a plugin's may wait for its plugin to load. */
  action(name: string): ActionHandler | undefined | Promise<ActionHandler | undefined>;
  /** A line for the person watching (engine run's terminal). */
  log(text: string): void;
}

class Reaction {
  #queue: Promise<void> = Promise.resolve();
  #fires: number[] = [];
  #throttled: number[] = [];
  #debounce: NodeJS.Timeout | undefined;
  #suspended = false;
  readonly #regex: RegExp | null;

  constructor(
    readonly cfg: ReactionConfig,
    private readonly opts: ReactionsOptions,
    private readonly off: () => void,
  ) {
    this.#regex = cfg.if?.match ? new RegExp(cfg.if.match) : null;
  }

  onEvent(event: PitEvent): void {
    if (this.#suspended) return;
    const vars = evaluate(this.cfg.if, event, this.#regex);
    if (!vars) return;
    if (this.cfg.debounceMs !== null) {
      clearTimeout(this.#debounce);
      this.#debounce = setTimeout(() => this.#fire(vars), this.cfg.debounceMs);
      return;
    }
    this.#fire(vars);
  }

  dispose(): void {
    clearTimeout(this.#debounce);
    this.off();
  }

  #fire(vars: Vars): void {
    const now = Date.now();
    const t = this.cfg.throttle;
    if (t) {
      this.#throttled = this.#throttled.filter((x) => now - x < t.windowMs);
      if (this.#throttled.length >= t.max) return;
      this.#throttled.push(now);
    }
    this.#fires = this.#fires.filter((x) => now - x < LOOP_LIMIT.windowMs);
    this.#fires.push(now);
    if (this.#fires.length > LOOP_LIMIT.fires) {
      this.#suspended = true;
      this.dispose();
      this.opts.env.bus.publish('reaction:suspended', this.cfg.id, { reaction: this.cfg.id, fires: this.#fires.length, window_ms: LOOP_LIMIT.windowMs });
      this.opts.log(
        `reaction ${this.cfg.id} suspended: it fired more than ${LOOP_LIMIT.fires} times in ${LOOP_LIMIT.windowMs}ms ` +
          `(does it trigger itself?); fix it, then reload the pitfile to re-arm it`,
      );
      return;
    }
    this.#queue = this.#queue.then(() => this.#runActions(vars));
  }

  async #runActions(vars: Vars): Promise<void> {
    for (const [index, step] of this.cfg.do.entries()) {
      try {
        const handler = await this.opts.action(step.action);
        if (!handler) throw new Error(`no built-in action or loaded plugin offers "${step.action}"`);
        await handler({ reaction: this.cfg, index, args: step.args, vars }, this.opts.env);
      } catch (e) {
        const message = (e as Error).message;
        this.opts.env.bus.publish('reaction:failed', this.cfg.id, { reaction: this.cfg.id, action: step.action, message });
        this.opts.log(`reaction ${this.cfg.id}: ${step.action} failed: ${message}`);
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
