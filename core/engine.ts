// The engine wires the parts: one supervisor per process, started in
// dependency order and stopped in reverse, watchers and reactions, all
// talking through one bus; and applying a changed pitfile, which touches
// only what changed (engine-reload.ts re-reads it; plugins/host-slot.ts
// keeps the plugin host).
import type { ChildProcess } from 'node:child_process';
import { isDeepStrictEqual } from 'node:util';
import { EventBus } from './events/bus.js';
import type { Pitfile } from './model/pitfile.js';
import { Supervisor } from './supervisor/supervisor.js';
import { startWhenReady, stopInOrder, startInOrder, PendingStarts, type Lookup, type Outcomes, type StopCause } from './supervisor/dependencies.js';
import { selectProcesses, withDependencies, reselect, notStartedNotes, type RunRequest, type Selection } from './supervisor/selection.js';
import { membersOf, withReplicaCount } from './config/replicas.js';
import { restartRolling } from './supervisor/rolling-restart.js';
import { LaunchPace } from './supervisor/launch-pace.js';
import type { Cause } from './events/cause.js';
import { changedKeys } from './config/changed-keys.js';
import { ensureStateDir } from './state-dir.js';
import { acquireEngineLock } from './process/engine-lock.js';
import { endOrphans } from './process/orphans.js';
import { onPidRecordTrouble } from './process/pid-record-file.js';
import { delegatedCgroup } from './process/cgroup.js';
import { ProcessOutput, type LineSink } from './logs/process-output.js';
import { settingsNeedingRestart } from './config/restart-settings.js';
import type { PluginHostSlot } from './plugins/host-slot.js';
import { Journal } from './journal/journal.js';
import type { ActionHandler, ProcessControl } from './reactions/actions/types.js';
import { watchConfig } from './config/watch.js';
import { errors } from './errors.js';
import { Reloader, type ConfigDiff, type ReloadOutcome } from './engine-reload.js';

export type { ConfigDiff, ReloadOutcome };

/** Events kept for the plugins while their workers boot; a start-up that floods output loses the rest (and says so). */
const START_UP_EVENTS = 10_000;

export interface EngineOptions {
  /** Receives every output line (the terminal of `engine run`). */
  lines?: LineSink;
  /** Receives the engine's own notes for a person (a suspended reaction, …). */
  log?: (text: string) => void;
  env?: NodeJS.ProcessEnv;
  /** Which processes to start (engine run api, --except, --profile); kept across reloads. Default: every one without a profile. */
  select?: RunRequest;
}

export class Engine {
  readonly bus = new EventBus((err, e, pattern) =>
    this.opts.log?.(`internal error (please report): a listener of ${pattern} failed on ${e.type} of ${e.subject} (said once for this listener): ${(err as Error)?.stack ?? err}`),
  );
  readonly supervisors = new Map<string, Supervisor>();
  /** Every event since start, in .pit/journal.db; null before start. */
  journal: Journal | null = null;
  /** The processes as actions (reactions, the control API) act on them; a replica group's name acts on every replica. */
  readonly processes: ProcessControl = {
    names: () => [...Object.keys(this.#pitfile.processes), ...Object.keys(this.#pitfile.replicas)],
    members: (name) => this.members(name),
    start: async (name, cause) => this.members(name).forEach((n) => this.#supervisor(n).start(cause)),
    stop: async (name, cause) => void (await Promise.all(this.members(name).map((n) => this.#supervisor(n).stop(cause)))),
    restart: async (name, opts) => void (await Promise.all(this.members(name).map((n) => this.#supervisor(n).restart(opts)))),
  };

  /** The pitfile in force, and the one the engine started with: what its listeners and state dir are bound to. */
  #pitfile: Pitfile;
  readonly #startedWith: Pitfile;
  /** engine run's request applied to the pitfile, and why each process left out was. */
  #selection: Selection;
  #notStarted: Map<string, string>;
  /** Processes waiting for their dependencies before they start. */
  readonly #pending = new PendingStarts();
  /** Launches take turns with the event loop: a start-up of 1,000 children would hold it for seconds. */
  readonly #pace = new LaunchPace();
  readonly #lookup: Lookup = Object.assign((name: string) => this.supervisors.get(name), { members: (name: string) => this.members(name) });
  readonly #output: ProcessOutput;
  /** The plugin host, imported once start-up's launches are made (see #start). */
  #plugins: Promise<PluginHostSlot> | null = null;
  /** Reloads and scales, one after another. */
  readonly #reloads: Reloader;
  /** Where each run gets its own cgroup (a delegated cgroup v2 subtree), else null. */
  #cgroup: string | null = null;

  // Start and stop, and what stop undoes: the lock, the journal's and pid records' listeners, the armed watchers and reactions.
  #starting: Promise<void> | null = null;
  #ready: Promise<void> = Promise.resolve();
  #stopRequested = false;
  #killed = false;
  #release: (() => void) | null = null;
  #detachJournal: (() => void) | null = null;
  #unlistenPids: (() => void) | null = null;
  #disarm: (() => Promise<void>) | null = null;

  constructor(
    pitfile: Pitfile,
    private readonly opts: EngineOptions = {},
  ) {
    this.#pitfile = pitfile;
    this.#startedWith = pitfile;
    this.#output = new ProcessOutput(() => this.#pitfile, this.bus, opts.lines);
    this.#reloads = new Reloader(
      { bus: this.bus, pitfile: () => this.#pitfile, apply: (next, cause) => this.apply(next, cause), restartNeeded: () => this.restartNeeded(), isStopping: () => this.#stopRequested },
      { env: opts.env, select: opts.select, log: opts.log },
    );
    this.#selection = selectProcesses(pitfile, opts.select);
    this.#notStarted = new Map(this.#selection.notStarted);
    // A process is "not started" until something first asks it to start or wait.
    this.bus.on('process:*:state', (e) => {
      if (e.type === 'process:state' && e.from === 'stopped') this.#notStarted.delete(e.process);
    });
  }

  /** The processes started at launch (and by the last reload): engine run's request applied to the pitfile. */
  get selection(): Selection {
    return this.#selection;
  }

  /** Why `name` has not been started since the engine began ("profile dev not active"), or null once it has been. */
  notStartedWhy(name: string): string | null {
    return this.#notStarted.get(name) ?? null;
  }

  get pitfile(): Pitfile {
    return this.#pitfile;
  }

  /**
   * Take the project's lock, end what a killed engine left behind, start
   * every autostart process once its dependencies allow, and arm watchers
   * and reactions. Resolves when the launches have begun and the watchers
   * see changes (not when every process is up; launches beyond the first
   * 20 ms go on in turns with the event loop, see launch-pace.ts); the
   * plugins load once those launches are made, see `ready`.
   */
  start(): Promise<void> {
    this.#starting = this.#start();
    return this.#starting;
  }

  /**
   * Resolves once start's plugins are loaded and have ticked once, so a
   * client's first `engine health` finds the heartbeat (never rejects).
   */
  async ready(): Promise<void> {
    await this.#starting?.catch(() => {});
    await this.#ready;
  }

  async #start(): Promise<void> {
    const { stateDir } = this.#pitfile.settings;
    // The journal's writes (loading and opening SQLite) and the plugin
    // workers' boot (~100 ms of CPU) wait until the processes free to start
    // now are launched; the plugins then get what happened from `early`.
    let launched: (go: boolean) => void = () => {};
    const launches = new Promise<boolean>((resolve) => (launched = resolve));
    ensureStateDir(stateDir);
    this.#release = acquireEngineLock(stateDir).release;
    this.#cgroup = delegatedCgroup().dir;
    this.journal = Journal.open(stateDir, this.#pitfile.settings.journal, this.opts.log);
    this.journal.holdWritesUntil(launches);
    this.#detachJournal = this.journal.attach(this.bus);
    this.#unlistenPids = onPidRecordTrouble(stateDir, (e) =>
      e
        ? this.bus.publish('engine:state-error', 'pids', { part: 'pids', code: e.code, message: e.message })
        : this.bus.publish('engine:state-resumed', 'pids', { part: 'pids', message: 'pid records are written again' }));
    const early = this.bus.record(START_UP_EVENTS);
    this.#ready = launches
      .then(async (go) => {
        if (!go) return;
        const slot = await this.#pluginSlot();
        // A stop during start-up that came first (while the host's modules loaded too) leaves no worker to stop.
        if (!this.#stopRequested) await slot.load(this.#pitfile, early);
        if (early.dropped) this.opts.log?.(`plugins missed ${early.dropped} events of the start-up: more than ${START_UP_EVENTS} came before they were loaded`);
      })
      .catch((e: Error) => this.opts.log?.(`plugins could not be loaded: ${e.message}`))
      .finally(() => early.stop());
    try {
      for (const report of await endOrphans(stateDir)) {
        this.bus.publish('engine:orphan', report.name, { process: report.name, pid: report.pid, outcome: report.outcome });
      }
      await this.#arm();
      const starts: Promise<void>[] = [];
      for (const cfg of Object.values(this.#pitfile.processes)) {
        const start = this.#add(cfg.name, this.#selection.start.has(cfg.name));
        if (start && !Object.keys(cfg.dependsOn).length) starts.push(start);
      }
      notStartedNotes([...this.#notStarted.keys()], this.#notStarted).forEach((line) => this.opts.log?.(line));
      void Promise.allSettled(starts).then((outcomes) => {
        launched(true);
        // A launch that threw stays an unhandled rejection (engine run reports it), as before it was awaited here.
        for (const o of outcomes) if (o.status === 'rejected') void Promise.reject(o.reason);
      });
    } catch (e) {
      launched(false);
      throw e;
    }
  }

  /** The plugin host, its modules (tinypool, the built-ins) imported at the first use. */
  #pluginSlot(): Promise<PluginHostSlot> {
    this.#plugins ??= import('./plugins/host-slot.js').then(({ PluginHostSlot }) => new PluginHostSlot({ bus: this.bus, processes: this.processes, log: this.opts.log ?? (() => {}) }));
    return this.#plugins;
  }

  /**
   * Apply a new pitfile: start added processes, stop removed ones, restart
   * changed ones; unchanged processes keep running with the same pid.
   * Watchers and reactions are re-armed.
   */
  async apply(next: Pitfile, cause: Cause = {}): Promise<ConfigDiff> {
    // The same request on the new pitfile; one it cannot satisfy is refused before anything changes.
    const selection = selectProcesses(next, this.opts.select, { lenient: true });
    const before = this.#pitfile.processes;
    const after = next.processes;
    const diff: ConfigDiff = {
      added: Object.keys(after).filter((n) => !(n in before)),
      removed: Object.keys(before).filter((n) => !(n in after)),
      changed: Object.keys(after).filter((n) => n in before && !isDeepStrictEqual(before[n], after[n])),
    };
    // Each state change a reload makes names the reload and what in the pitfile changed.
    const why = (n: string): StopCause =>
      n in after
        ? n in before
          ? { cause: cause.cause, reason: `pitfile changed: ${changedKeys(`processes.${n}`, before[n], after[n]).join(', ')}`, restart: true }
          : { cause: cause.cause, reason: cause.reason ?? 'added to the pitfile' }
        : { cause: cause.cause, reason: cause.reason ?? 'removed from the pitfile' };
    await this.#disarm?.();
    // A replaced process's old wait ends here; its dependents wait on by name and see the new one.
    this.#pending.cancel([...diff.removed, ...diff.changed]);
    await stopInOrder([...diff.removed, ...diff.changed], this.#lookup, why);
    diff.removed.forEach((n) => this.supervisors.delete(n));
    this.#pitfile = next;
    await (await this.#pluginSlot()).load(next);
    await this.#arm();
    const { starts, notStarted } = reselect(selection, diff, this.#notStarted);
    this.#selection = selection;
    this.#notStarted = notStarted;
    for (const n of [...diff.changed, ...diff.added]) void this.#add(n, starts.has(n), why(n));
    for (const n of starts) if (!diff.changed.includes(n) && !diff.added.includes(n)) void this.#startAfterDependencies(this.#supervisor(n), { cause: cause.cause, reason: 'needed after the reload' });
    notStartedNotes(diff.added, notStarted).forEach((line) => this.opts.log?.(line));
    return diff;
  }

  /**
   * Stop everything, each process only after those that depend on it, all
   * others in parallel. Resolves true when no process had to be killed.
   * `reason` is what each process's stop says ("engine stopping: SIGINT").
   */
  async stop(reason = 'the engine is stopping'): Promise<boolean> {
    this.#stopRequested = true;
    // A stop during start-up waits for it, so nothing it arms is left running.
    await this.#starting?.catch(() => {});
    await this.#disarm?.();
    this.#disarm = null;
    this.#pending.cancel(this.#pending.names());
    // settings.shutdown_timeout bounds the whole stop, whatever each process's stop.timeout says.
    const all = stopInOrder([...this.supervisors.keys()], this.#lookup, { reason });
    let overrun: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (overrun = setTimeout(resolve, this.#pitfile.settings.shutdownTimeoutMs, 'late')));
    if ((await Promise.race([all, late])) === 'late') {
      this.kill();
      await all;
    }
    clearTimeout(overrun);
    await (await this.#plugins)?.stop();
    this.#output.close();
    this.#detachJournal?.();
    this.#detachJournal = null;
    this.journal?.close();
    this.#unlistenPids?.();
    this.#release?.();
    this.#release = null;
    return !this.#killed && [...this.supervisors.values()].every((s) => !s.lastStopKilled);
  }

  /**
   * Re-read the pitfile. Invalid: publish config:invalid with every error
   * and change nothing. Valid: apply the difference, publish config:reloaded.
   */
  reload(opts: { reason?: string } = {}): Promise<ReloadOutcome> {
    return this.#reloads.reload(opts.reason ?? 'pitfile reloaded');
  }

  /**
   * Settings of the pitfile in force that differ from those the engine
   * started with and that only a restart applies (restart-settings.ts); one
   * changed and changed back needs nothing.
   */
  restartNeeded(): string[] {
    return settingsNeedingRestart(this.#startedWith, this.#pitfile);
  }

  /** Reload whenever the pitfile or its local layer is saved; returns a stop function. */
  watchConfig(): () => void {
    return watchConfig(this.#pitfile.file, () => void this.reload({ reason: 'pitfile saved' }));
  }

  /**
   * Run an action outside any reaction (a built-in plugin's control API
   * route); rejects with the action's own failure.
   */
  async runAction(action: string, args: unknown): Promise<void> {
    const handler = await this.#action(action);
    if (!handler) throw errors.PIT_E_REACTION_ACTION_UNKNOWN(action);
    const event = this.bus.publish('custom:event', 'api', { name: `control:api:${action.replace(/[^A-Za-z0-9_.-]/g, '-')}`, data: { args } as Record<string, unknown> });
    const reaction = { id: 'control-api', on: event.name, if: null, do: [], debounceMs: null, throttle: null };
    await handler({ reaction, index: 0, args, vars: { event, match: [] } }, { bus: this.bus, pitfile: this.#pitfile, processes: this.processes });
  }

  /** SIGKILL every process group now; for the second Ctrl-C. */
  kill(): void {
    this.#stopRequested = true;
    this.#killed = true;
    for (const sup of this.supervisors.values()) sup.kill();
  }

  /** The processes a name means: a replica group's copies (api → api.1, api.2), else the name itself. */
  members(name: string): string[] {
    return membersOf(this.#pitfile, name);
  }

  /**
   * engine scale: run `count` replicas of `group` from now on, starting new
   * ones and stopping the highest-numbered; the others keep running. Holds
   * until a reload changes the group's replicas in the pitfile.
   */
  scale(group: string, count: number, cause: Cause = {}): Promise<ConfigDiff> {
    const g = this.#pitfile.replicas[group];
    if (!g) {
      const fix = group in this.#pitfile.processes ? `give it replicas: 1 in the pitfile, then: engine scale ${group} ${count}` : `scale one of: ${Object.keys(this.#pitfile.replicas).join(', ') || 'none (no process has replicas)'}`;
      return Promise.reject(errors.PIT_E_PROCESS_SCALE(`${group} is not a process with replicas`, fix));
    }
    if (!Number.isInteger(count) || count < 1 || count > 64) return Promise.reject(errors.PIT_E_PROCESS_SCALE(`replicas is a whole number from 1 to 64, got ${count}`, `e.g. engine scale ${group} 3`));
    // After any reload under way, so the count applies to the pitfile in force.
    return this.#reloads.serially(() => {
      const from = this.#pitfile.replicas[group]?.count ?? g.count;
      if (this.#stopRequested || !this.#pitfile.replicas[group]) return { added: [], removed: [], changed: [] };
      return this.apply(withReplicaCount(this.#pitfile, group, count), { cause: cause.cause, reason: `${cause.reason ?? 'scaled'}: ${from} → ${count} replicas` });
    });
  }

  /** engine restart api --rolling: one replica at a time, each healthy (or running) before the next; rejects with PIT_E_PROCESS_ROLLING. */
  restartRolling(name: string, cause: Cause = {}): Promise<void> {
    return restartRolling(this.bus, name, this.members(name), this.#lookup, cause);
  }

  /**
   * Start processes as start-up does (engine start): dependencies in the
   * group first, each once its depends_on conditions hold; one whose
   * dependency cannot get there is left stopped, with the reason.
   */
  startProcesses(names: string[], cause: Cause = {}): Promise<Outcomes> {
    names.forEach((n) => this.#supervisor(n));
    // One left out at launch (engine run api, a profile, autostart: false) brings what it needs that never started either.
    const group = withDependencies(names, this.#pitfile, (n) => this.#notStarted.has(n));
    // A dependency brought along says for whom: "needed by web (engine start (CLI))", not the verb alone.
    const forWhom = { ...cause, reason: `needed by ${names.join(', ')}${cause.reason ? ` (${cause.reason})` : ''}` };
    return startInOrder(this.bus, group, this.#lookup, this.#pending, (n) => (names.includes(n) ? cause : forWhom));
  }

  /** Stop processes, dependents before what they depend on (engine stop); a start still waiting is called off. */
  stopProcesses(names: string[], cause: StopCause = {}): Promise<Outcomes> {
    names.forEach((n) => this.#supervisor(n));
    this.#pending.cancel(names);
    return stopInOrder(names, this.#lookup, cause);
  }

  /** Stop in reverse dependency order, then start in dependency order (engine restart). */
  async restartProcesses(names: string[], cause: Cause = {}): Promise<Outcomes> {
    const stopped = await this.stopProcesses(names, { ...cause, restart: true });
    const started = await this.startProcesses(names.filter((n) => !stopped.get(n)), cause);
    return new Map(names.map((n) => [n, stopped.get(n) ?? started.get(n) ?? null]));
  }

  #supervisor(name: string): Supervisor {
    const sup = this.supervisors.get(name);
    if (!sup) throw errors.PIT_E_CONTROL_UNKNOWN_PROCESS(name, [...this.supervisors.keys()].join(', ') || '(none)');
    return sup;
  }

  /**
   * Create the supervisor of `name` and, when `start`, start it once its
   * dependencies allow; returns that start (resolves once it is launched or called off).
   */
  #add(name: string, start: boolean, cause: Cause = {}): Promise<void> | null {
    const cfg = this.#pitfile.processes[name];
    const sink = { attach: (n: string, child: ChildProcess) => this.#output.attach(n, child) };
    // PIT_REPLICAS is read at each start: engine scale changes it without restarting the others.
    const group = cfg.replica?.group;
    const startEnv = group === undefined ? undefined : () => ({ PIT_REPLICAS: String(this.#pitfile.replicas[group]?.count ?? 0) });
    const sup = new Supervisor(cfg, { bus: this.bus, stateDir: this.#pitfile.settings.stateDir, output: sink, baseEnv: this.opts.env ?? process.env, cgroup: this.#cgroup, startEnv });
    this.supervisors.set(name, sup);
    return start ? this.#startAfterDependencies(sup, cause) : null;
  }

  /** At start-up (and for a process a reload adds or changes): wait as long as it takes, shown as waiting. */
  async #startAfterDependencies(sup: Supervisor, cause: Cause): Promise<void> {
    const signal = this.#pending.begin(sup.name);
    try {
      await startWhenReady(this.bus, sup, { lookup: this.#lookup, signal }, cause);
    } catch {
      return; // called off: a reload replaced it, a person stopped or started it, or the engine stops
    } finally {
      this.#pending.end(sup.name, signal);
    }
    await this.#pace.run(() => {
      // The pitfile may have been reloaded (or the engine stopped) meanwhile.
      if (!this.#stopRequested && this.supervisors.get(sup.name) === sup) sup.start(cause);
    });
  }

  /** A built-in action, or a loaded plugin's (waiting for the plugins to load, at start-up too). */
  async #action(name: string): Promise<ActionHandler | undefined> {
    const { builtinActions } = await import('./reactions/reactions.js');
    if (Object.hasOwn(builtinActions, name)) return builtinActions[name];
    await this.#ready;
    return (await this.#pluginSlot()).action(name);
  }

  /**
   * Arm reactions, then watchers (resolves when they see changes); their
   * modules load only when the pitfile has some.
   */
  async #arm(): Promise<void> {
    const { reactions } = this.#pitfile;
    const { armReactions } = reactions.length ? await import('./reactions/reactions.js') : { armReactions: () => () => {} };
    const disarmReactions = armReactions(this.bus, reactions, {
      env: { bus: this.bus, pitfile: this.#pitfile, processes: this.processes },
      action: (name) => this.#action(name),
      log: this.opts.log ?? (() => {}),
    });
    const { armWatchers } = Object.keys(this.#pitfile.watchers).length ? await import('./watchers/watchers.js') : { armWatchers: async () => async () => {} };
    const closeWatchers = await armWatchers(this.#pitfile, this.bus, this.opts.log);
    this.#disarm = async () => {
      disarmReactions();
      await closeWatchers();
    };
  }
}
