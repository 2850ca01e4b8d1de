// The plugin host: a team's plugin runs in a worker thread of its own, so a
// plugin that throws, hangs or leaks cannot stop the engine; Pit's built-ins
// share one (plugin-thread.ts). A plugin is set up as it loads; a setup that
// fails disables it at once. Every call has a timeout; a hung call ends its
// worker, and the next call sets the plugin up again in a fresh one (the
// other built-ins there are set up again at once: no fault of theirs).
// Failures become plugin:<name>:error with a PIT_E_PLUGIN_* code; too many in a minute disable the plugin. Events are handed over in
// batches from a queue bounded by bytes (event-queue.ts), so a flood of
// output never grows the engine. A call that times out ends its worker at
// once and rests the plugin, so a loop does not hold a core; a plugin over
// its emit budget for 10 s is disabled, so it cannot fill the journal.
import type { EventBus, Recording } from '../events/bus.js';
import { isEventType, type PitEvent } from '../events/catalog.js';
import { isPluginEventType } from '../events/plugin-payloads.js';
import { describeEvent, type Cause } from '../events/cause.js';
import type { Pitfile, PluginRef } from '../model/pitfile.js';
import type { ActionHandler, ProcessControl } from '../reactions/actions/types.js';
import type { Outcome, Task } from './worker.js';
import { DESCRIBE_TIMEOUT_MS, descriptionOf, resolvePlugin } from './describe.js';
import { PluginThread, THREAD_REPLACED } from './plugin-thread.js';
import { EventQueue } from './event-queue.js';
import { validateAgainst } from '../config/validate.js';
import { fill } from '../reactions/conditions.js';
import { builtinPlugins, isBuiltin } from './builtins.js';
import { errors, PitError } from '../errors.js';
import { actionFailure, hookFailure, setupFailure, type Thrown } from './plugin-failure.js';
import { periodicTimer } from '../periodic-timer.js';

export const PLUGIN_LIMITS = {
  callTimeoutMs: 5000,
  failures: 5,
  failureWindowMs: 60_000,
  /** Events a plugin may emit per second; more are dropped and reported. */
  emitsPerSecond: 1000,
  /** Over the emit budget this long (seconds in a row): disabled. */
  emitFloodSeconds: 10,
  /** A second timeout within the failure window disables the plugin. */
  timeouts: 2,
  /** After a timeout, the plugin gets no call for this long (a loop would take a core again). */
  restAfterTimeoutMs: 5000,
  heapMb: 128,
  /**
   * Events waiting for one plugin: the oldest output lines go beyond these.
   * A line that waits long outlives V8's young generation and is freed only
   * by a full collection: with 1 MiB, a 200 MB line's pieces added ~+15 MiB
   * to the engine's peak RSS over 256 KiB.
   */
  queue: { maxBytes: 256 * 1024, maxEvents: 2000, batchBytes: 256 * 1024 },
};

interface Loaded {
  ref: PluginRef;
  /** Its options with the defaults of its schema applied. */
  options: Record<string, unknown>;
  name: string;
  /** Its own worker, or the one the built-ins share. */
  thread: PluginThread;
  on: string[];
  actions: string[];
  /** Its own limit for actions, when it declared one. */
  actionTimeoutMs: number | null;
  failures: number[];
  timeouts: number[];
  /** Its last call: the next waits for it (one call of a plugin at a time, in order). */
  lane: Promise<unknown>;
  /**
   * A built-in's last process:state of each process it was handed, for a
   * fresh worker after another built-in's hang (its table of processes is
   * there again); null for a team's plugin, which has a worker of its own.
   */
  states: Map<string, PitEvent> | null;
  /** Its worker was ended for another plugin: set it up again (with `states`) before its next call. */
  stale: boolean;
  /** After a timeout, no call before this (ms since the epoch). */
  restUntil: number;
  disabled: boolean;
  emitted: { second: number; count: number; reported: boolean };
  /** The first and last second of the current run of seconds over the emit budget. */
  flood: { first: number; last: number } | null;
}

export interface PluginHostDeps {
  bus: EventBus;
  pitfile: Pitfile;
  processes: ProcessControl;
  log(text: string): void;
}

export class PluginHost {
  readonly #plugins: Loaded[] = [];
  readonly #offs: (() => void)[] = [];
  readonly #timers: (() => void)[] = [];
  /** The built-ins' worker, when the pitfile turns one on. */
  #shared: PluginThread | null = null;

  constructor(private readonly deps: PluginHostDeps) {}

  /**
   * Load every plugin of the pitfile; one that cannot load is reported and
   * skipped. Plugins load in parallel (a worker boots in ~80 ms: the
   * built-ins share one, a team plugin has its own), then subscribe in order,
   * each first getting the events of `since` it subscribes to. Resolves
   * once each has run its first tick (the heartbeat is on disk).
   */
  async start(since?: Recording): Promise<void> {
    const builtins = builtinPlugins(this.deps.pitfile);
    const shared = (this.#shared = builtins.length ? this.#sharedThread(builtins.length) : null);
    const loaded = await Promise.all([...builtins.map((ref) => this.#load(ref, shared)), ...this.deps.pitfile.plugins.map((ref) => this.#load(ref, null))]);
    const firstTicks: Promise<void>[] = [];
    for (const l of loaded) {
      if (!l) continue;
      this.#plugins.push(l.plugin);
      if (l.plugin.disabled) continue; // its setup failed (reported)
      this.#subscribe(l.plugin, since);
      if (l.tickMs) firstTicks.push(this.#tick(l.plugin, l.tickMs));
    }
    await Promise.all(firstTicks);
  }

  /** The worker the built-ins share; when one's call hangs, the others are set up again in the fresh one. */
  #sharedThread(plugins: number): PluginThread {
    const thread: PluginThread = new PluginThread({
      heapMb: PLUGIN_LIMITS.heapMb,
      plugins,
      onReplaced: (culprit) => {
        for (const p of this.#plugins) {
          if (p.thread !== thread || p.ref.use === culprit || p.disabled) continue;
          p.stale = true;
          // Set up now, as at load: a plugin without events or ticks for a while is ready, and a setup that fails is reported.
          void this.#call(p, this.#taskOf(p, 'setup'));
        }
      },
    });
    return thread;
  }

  /** Load `ref` in `shared` (a built-in), else in a worker of its own. */
  async #load(ref: PluginRef, shared: PluginThread | null): Promise<{ plugin: Loaded; tickMs: number | null } | null> {
    const thread = shared ?? new PluginThread({ heapMb: PLUGIN_LIMITS.heapMb, plugins: 1 });
    try {
      const use = resolvePlugin(ref.use, this.deps.pitfile.root);
      const d = descriptionOf(await this.#describe(thread, this.#task(use, ref.options, 'describe')));
      // The engine writes a built-in's options whole (builtins.ts): checking them would compile its schema, loading ajv's compiler (~40 ms, ~5 MiB) for nothing.
      const options = isBuiltin(use) ? ref.options : await checkOptions(d.name, d.options, ref.options);
      const plugin: Loaded = { ref: { ...ref, use }, options, name: d.name, thread, on: d.on, actions: d.actions, actionTimeoutMs: d.actionTimeoutMs, lane: Promise.resolve(), states: shared ? new Map() : null, stale: false, failures: [], timeouts: [], restUntil: 0, disabled: false, emitted: { second: 0, count: 0, reported: false }, flood: null };
      // Set up now, so a failing setup is reported as the plugin loads (not at
      // its first event, or at teardown) and the plugin is disabled.
      await this.#call(plugin, this.#taskOf(plugin, 'setup'));
      // tickMs is read with the options as given; describe runs before defaults apply.
      return { plugin, tickMs: d.tickMs };
    } catch (e) {
      if (!shared) await thread.destroy();
      const why = (e as Error).message;
      this.#error(ref.use, 'load', errors.PIT_E_PLUGIN_LOAD(ref.use, why), why);
      return null;
    }
  }

  /** Describe in `thread`, again in a fresh worker when another built-in's hang ended it. */
  async #describe(thread: PluginThread, task: Task): Promise<Outcome> {
    for (;;) {
      try {
        return await thread.run(task, DESCRIBE_TIMEOUT_MS);
      } catch (e) {
        if ((e as Error).name !== THREAD_REPLACED) throw e;
      }
    }
  }

  /** Whether a plugin was disabled for failing (a reload then starts afresh). */
  hasDisabled(): boolean {
    return this.#plugins.some((p) => p.disabled);
  }

  /** The actions plugins offer, as reactions call them: "<plugin>.<action>". */
  actions(): Record<string, ActionHandler> {
    const out: Record<string, ActionHandler> = {};
    for (const p of this.#plugins) {
      for (const action of p.actions) {
        out[`${p.name}.${action}`] = async (call) => {
          const out = await this.#attempt(p, { ...this.#taskOf(p, 'action'), action, args: fill(call.args, call.vars), event: call.vars.event, cause: call.ran?.id });
          if (out instanceof PitError) throw out;
          if (!out) throw errors.PIT_E_PLUGIN_DISABLED(p.name, action, this.#stopping ? 'the engine is stopping' : 'it is disabled after its failures');
          if (out.failed !== undefined) throw actionFailure(p.name, action, out.failed);
        };
      }
    }
    return out;
  }

  /** Tear every plugin down and end its worker. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#offs.splice(0).forEach((off) => off());
    this.#timers.splice(0).forEach((stop) => stop());
    const plugins = this.#plugins.splice(0);
    await Promise.all(plugins.map(async (p) => !p.disabled && (await this.#call(p, this.#taskOf(p, 'teardown'), true))));
    // The built-ins' worker once, after all of them are torn down (also when none loaded).
    await Promise.all([...new Set([...plugins.map((p) => p.thread), ...(this.#shared ? [this.#shared] : [])])].map((t) => t.destroy()));
  }

  #task(use: string, options: Record<string, unknown>, hook: Task['hook']): Task {
    const { root, settings } = this.deps.pitfile;
    return { use, options, root, stateDir: settings.stateDir, hook };
  }

  #taskOf(p: Loaded, hook: Task['hook']): Task {
    return this.#task(p.ref.use, p.options, hook);
  }

  /** Call onTick every `ms`, first right away (returned); a tick still running is not doubled. */
  #tick(p: Loaded, ms: number): Promise<void> {
    let busy = false;
    const tick = async () => {
      if (busy) return;
      busy = true;
      await this.#call(p, this.#taskOf(p, 'tick'));
      busy = false;
    };
    // On the engine's one periodic timer: a heartbeat wakes the loop with the tracker's look, not apart.
    this.#timers.push(periodicTimer.every(ms, () => void tick()));
    return tick();
  }

  #subscribe(p: Loaded, since?: Recording): void {
    const queue = new EventQueue(PLUGIN_LIMITS.queue);
    let pumping = false;
    let told = false;
    // Calls for a plugin run one at a time, in order; what arrives meanwhile
    // waits in the bounded queue and goes over in the next batch.
    const pump = async () => {
      pumping = true;
      while (queue.size > 0 && !p.disabled && !this.#stopping) {
        const events = queue.take();
        await this.#call(p, { ...this.#taskOf(p, 'onEvent'), events });
      }
      pumping = false;
    };
    // One subscription for all its patterns: an event matching two is handed over once, and the start-up's events in order.
    this.#offs.push(
      this.deps.bus.on(p.on, (e) => {
        // Its own events are not fed back: a plugin cannot loop on itself.
        if (p.disabled || (e.type === 'plugin:error' && e.subject === p.name)) return;
        if (!queue.push(e) && !told) {
          told = true;
          const { maxBytes, maxEvents } = PLUGIN_LIMITS.queue;
          this.deps.log(`plugin ${p.name} falls behind: output lines waiting for it beyond ${maxBytes / 1024} KiB or ${maxEvents} events are dropped, oldest first (said once)`);
        }
        // A turn later, so the events of one tick go over in one message.
        if (!pumping) {
          pumping = true;
          setImmediate(pump);
        }
      }, { since }),
    );
  }

  #stopping = false;

  /** Run one task; null when it failed (already reported). */
  async #call(p: Loaded, task: Task, duringStop = false): Promise<Outcome | null> {
    const out = await this.#attempt(p, task, duringStop);
    return out instanceof PitError ? null : out;
  }

  /**
   * Run one task after the plugin's earlier calls (a shared worker would
   * otherwise run them side by side): its outcome, its failure (already
   * reported), or null when it did not run. Its time limit counts from its turn.
   */
  #attempt(p: Loaded, task: Task, duringStop = false): Promise<Outcome | PitError | null> {
    // Teardown at stop waits for no call: the engine is leaving.
    if (duringStop) return this.#turn(p, task, true);
    const turn = p.lane.then(() => this.#turn(p, task, duringStop));
    p.lane = turn.catch(() => {});
    return turn;
  }

  async #turn(p: Loaded, task: Task, duringStop: boolean): Promise<Outcome | PitError | null> {
    if (p.disabled || (this.#stopping && !duringStop)) return null;
    const limitMs = task.hook === 'action' && p.actionTimeoutMs ? p.actionTimeoutMs : PLUGIN_LIMITS.callTimeoutMs;
    // Teardown at stop does not wait out a rest: the engine is leaving.
    if (p.restUntil > Date.now() && !duringStop) await new Promise((r) => setTimeout(r, p.restUntil - Date.now()));
    let out: Outcome;
    for (;;) {
      if (p.disabled || (this.#stopping && !duringStop)) return null;
      if (p.stale && !duringStop) await this.#setUpAgain(p);
      try {
        out = await p.thread.run(task, limitMs);
        break;
      } catch (e) {
        // Its worker was ended for another built-in's hang: no fault of this one; again in the fresh worker.
        if ((e as Error).name === THREAD_REPLACED) continue;
        // A call cut short by the engine stopping (its worker ended) is no failure of the plugin.
        if (this.#stopping && !duringStop) return null;
        return this.#thrown(p, task, e as Error, limitMs);
      }
    }
    // A hook that threw hands back no emits or requests: they were half of something that failed.
    if (out.threw) return this.#failed(p, task, out.threw);
    if (task.hook === 'onEvent' && p.states) for (const e of task.events ?? []) if (e.type === 'process:state') p.states.set(e.subject, e);
    this.#apply(p, out, task);
    if (out.setupFailed === undefined) return out;
    const error = setupFailure(p.name, out.setupFailed);
    this.#setupFailed(p, error, out.setupFailed.message);
    return error;
  }

  /**
   * A built-in whose worker was ended for another's hang: set up in the
   * fresh one, and handed the last state of each process it knew (the
   * heartbeat's table, the monitor's pids), oldest first, so it goes on as
   * before. Runs in its turn: its calls wait for it.
   */
  async #setUpAgain(p: Loaded): Promise<void> {
    p.stale = false;
    const events = [...(p.states?.values() ?? [])].sort((a, b) => a.at - b.at);
    // worker.ts sets a plugin up before the first hook it runs.
    await this.#turn(p, events.length ? { ...this.#taskOf(p, 'onEvent'), events } : this.#taskOf(p, 'setup'), false);
  }

  /** A call that failed in the worker, not in the plugin's code: it did not finish, or the worker failed. */
  #thrown(p: Loaded, task: Task, err: Error, limitMs: number): Promise<PitError> {
    if (err.name !== 'TimeoutError') return this.#failed(p, task, { message: err.message, code: null, fix: null });
    const why = `${task.hook} did not finish within ${limitMs}ms; its worker was ended and will be replaced`;
    return this.#failed(p, task, { message: why, code: null, fix: null }, errors.PIT_E_PLUGIN_TIMEOUT(p.name, task.hook, limitMs));
  }

  /**
   * Report a failed call, rewrapped with the plugin's name and hook and
   * keeping the plugin's own code; count it, and disable a plugin that
   * keeps failing. `timeout`: the call did not finish.
   */
  async #failed(p: Loaded, task: Task, thrown: Thrown, timeout?: PitError): Promise<PitError> {
    if (task.hook === 'setup') {
      const error = setupFailure(p.name, thrown);
      this.#setupFailed(p, error, thrown.message);
      return error;
    }
    const error = timeout ?? hookFailure(p.name, task.hook === 'action' ? `action ${task.action}` : task.hook, thrown);
    this.#error(p.name, task.hook, error, thrown.message);
    const now = Date.now();
    p.failures = [...p.failures.filter((t) => now - t < PLUGIN_LIMITS.failureWindowMs), now];
    if (timeout) this.#timedOut(p, now);
    if (p.disabled) return error;
    if (p.failures.length >= PLUGIN_LIMITS.failures) this.#disable(p, `${p.failures.length} failures in a minute`);
    else if (p.timeouts.length >= PLUGIN_LIMITS.timeouts) this.#disable(p, `${p.timeouts.length} calls that did not finish in a minute`);
    return error;
  }

  /**
   * A call that did not finish is most likely a loop: its worker was ended
   * (plugin-thread.ts; a fresh one takes the next call); rest the plugin,
   * so a loop does not take a core again at once; the second timeout
   * disables it. Only this plugin: the others in a shared worker did nothing wrong.
   */
  #timedOut(p: Loaded, now: number): void {
    p.timeouts = [...p.timeouts.filter((t) => now - t < PLUGIN_LIMITS.failureWindowMs), now];
    p.restUntil = now + PLUGIN_LIMITS.restAfterTimeoutMs;
  }

  #disable(p: Loaded, why: string): void {
    if (p.disabled) return;
    p.disabled = true;
    this.deps.bus.publish('plugin:disabled', p.name, { plugin: p.name, failures: p.failures.length });
    this.deps.log(`plugin ${p.name} disabled after ${why}; fix it, then reload the pitfile`);
  }

  #apply(p: Loaded, out: Outcome, task: Task): void {
    const lastAbout = new Map<string, PitEvent>();
    for (const line of out.logs) this.deps.log(`${p.name}: ${line}`);
    if (out.droppedLogs) this.deps.log(`${p.name}: ${out.droppedLogs} more log lines from one call not shown (a call's first 100 are)`);
    const second = Math.floor(Date.now() / 1000);
    if (p.emitted.second !== second) p.emitted = { second, count: 0, reported: false };

    for (const { name, data } of out.emits) {
      if (p.disabled) return;
      // Dropped emits are not published, so they are in no journal.
      if (++p.emitted.count > PLUGIN_LIMITS.emitsPerSecond) {
        if (!p.emitted.reported) this.#overBudget(p, second);
        continue;
      }
      const published = this.#publishEmit(p, name, data, task.cause ?? task.event?.id);
      if (published) lastAbout.set(published.subject, published);
    }
    // The worker kept only the first of a call's emits; the rest count against the budget.
    p.emitted.count += out.droppedEmits ?? 0;
    if (p.emitted.count > PLUGIN_LIMITS.emitsPerSecond && !p.emitted.reported && !p.disabled) this.#overBudget(p, second);
    for (const r of out.requests) {
      // The cause: what the call emitted about the process (its limit, its install), else the event it answered.
      const about = lastAbout.get(r.process);
      const cause: Cause = { cause: about?.id ?? task.cause ?? task.event?.id, reason: r.reason ?? (about ? describeEvent(about) : `requested by plugin ${p.name}`) };
      // A plugin's restart is automatic: it spends from the process's restart budget.
      const done = r.action === 'restart' ? this.deps.processes.restart(r.process, { counted: true, ...cause }) : this.deps.processes[r.action](r.process, cause);
      done.catch((e: Error) => this.#error(p.name, 'request', errors.PIT_E_PLUGIN_REQUEST(p.name, e.message), e.message));
    }
  }

  /**
   * One emit on the bus: a type the catalogue declares for plugins flat, as
   * the core publishes its own (process:api:stats is a process:stats event,
   * its process the name's subject); a name Pit does not declare as a
   * custom:event. The engine's own events cannot be emitted: a subscriber
   * of process:*:exit gets process:exit events only. Null when refused.
   */
  #publishEmit(p: Loaded, name: string, data: Record<string, unknown>, cause: string | undefined): PitEvent | null {
    const segments = name.split(':');
    const refuse = (why: string) => {
      this.#error(p.name, 'emit', errors.PIT_E_PLUGIN_EMIT(p.name, why), why);
      return null;
    };
    if (segments.length !== 3 || segments.some((s) => !s || s === '*')) return refuse(`cannot emit "${name}": an event name is kind:subject:what`);
    const [kind, subject, what] = segments;
    const type = `${kind}:${what}`;
    const reason = typeof data.reason === 'string' ? data.reason : undefined;
    if (!isEventType(type) || type === 'custom:event') return this.deps.bus.publish('custom:event', subject, { name, data, cause, reason });
    if (!isPluginEventType(type)) return refuse(`cannot emit "${name}": ${type} is the engine's own event`);
    // What only the bus sets (id, type, subject, at) cannot come from a plugin.
    const { id: _i, type: _t, subject: _s, at: _a, cause: _c, ...payload } = data;
    const own = kind === 'process' ? { process: subject } : {};
    return this.deps.bus.publish(type, subject, { ...payload, ...own, cause, reason } as never);
  }

  /**
   * Once per second over the budget. The first second of a run of them is
   * reported; a run of emitFloodSeconds (a gap of up to 2 s does not end
   * it) disables the plugin: its 1,000 rows a second would push the
   * journal's history out.
   */
  #overBudget(p: Loaded, second: number): void {
    p.emitted.reported = true;
    const max = PLUGIN_LIMITS.emitsPerSecond;
    if (!p.flood || second - p.flood.last > 2) {
      p.flood = { first: second, last: second };
      const why = `emitted more than ${max} events in a second; the rest of each second's are dropped, and ${PLUGIN_LIMITS.emitFloodSeconds} s of this disables it`;
      this.#error(p.name, 'emit', errors.PIT_E_PLUGIN_EMIT(p.name, why), why);
      return;
    }
    p.flood.last = second;
    if (second - p.flood.first >= PLUGIN_LIMITS.emitFloodSeconds) {
      const why = `emitted more than ${max} events a second for ${second - p.flood.first} s`;
      this.#error(p.name, 'emit', errors.PIT_E_PLUGIN_EMIT(p.name, why), why);
      this.#disable(p, `${why} (over its emit budget)`);
    }
  }

  /** plugin:<name>:error with `why` (the plugin's own words) and a note with the full message and code. */
  #error(plugin: string, hook: string, error: PitError, why: string): void {
    this.deps.bus.publish('plugin:error', plugin, { plugin, hook, code: error.code, message: why });
    this.deps.log(`${error.message} [${error.code}]`);
  }

  /** A plugin that cannot be set up cannot work: reported once, then disabled (never torn down). */
  #setupFailed(p: Loaded, error: PitError, why: string): void {
    this.#error(p.name, 'setup', error, why);
    p.disabled = true;
    this.deps.bus.publish('plugin:disabled', p.name, { plugin: p.name, failures: 1 });
  }
}

/**
 * `given` with the defaults of the plugin's options schema applied. The
 * pitfile's plugins were checked where they are written (config stage);
 * a failure here is a built-in's options, built by the engine.
 */
async function checkOptions(name: string, schema: Record<string, unknown> | null, given: Record<string, unknown>): Promise<Record<string, unknown>> {
  if (!schema) return given;
  const { problems, value } = await validateAgainst(schema, given, ['options']);
  if (problems.length) throw new Error(`invalid options for plugin ${name}: ${problems.map((p) => `${p.path.join('.')} ${p.error.message}`).join('; ')}`);
  return value as Record<string, unknown>;
}
