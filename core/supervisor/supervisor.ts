// One supervisor per process: spawns it in its own group, follows the state
// table, restarts it within its budget, watches its health, and stops it
// with escalation. It reports everything as events on the bus.
import type { ChildProcess } from 'node:child_process';
import { PitError } from '../errors.js';
import type { EventBus } from '../events/bus.js';
import type { ProcessState } from '../events/catalog.js';
import type { Cause } from '../events/cause.js';
import type { ProcessConfig } from '../model/pitfile.js';
import { spawnProcess } from '../process/spawn.js';
import { readEnvFile } from '../process/env-file.js';
import { stopGroup, killGroup } from '../process/stop.js';
import { listGroupMembers, readProcStat } from '../process/proc-stat.js';
import { writePidRecord, removePidRecord } from '../process/orphans.js';
import { newRunToken, RUN_VARIABLE, signalEscapees } from '../process/descendants.js';
import { trackRun, type TrackedRun } from '../process/escapee-tracker.js';
import { isCgroupPopulated, killCgroup, rmCgroup, spawnInCgroup } from '../process/cgroup.js';
import { watchHealth } from '../health/health.js';
import { outputLines } from '../health/output-lines.js';
import { nextState, isLive, type Input } from './states.js';
import { RestartBudget } from './restart-budget.js';
import { formatDuration } from '../model/units.js';

/** Where a supervisor sends its child's output (log file, terminal). */
export interface OutputSink {
  /** Resolves once the child's output has all been read. */
  attach(process: string, child: ChildProcess): Promise<void> | void;
}

/**
 * How long an exit waits for the child's last output: a grandchild holding
 * the pipes open must not hold the exit back.
 */
const OUTPUT_DRAIN_MS = 100;

export interface SupervisorDeps {
  bus: EventBus;
  stateDir: string;
  output: OutputSink;
  /** The engine's environment, under the process's env_file and env. */
  baseEnv: NodeJS.ProcessEnv;
  /** The engine's delegated cgroup v2 directory: each run gets a cgroup under it. */
  cgroup?: string | null;
  /** Read at each start, over env: what may change while it runs (PIT_REPLICAS after engine scale). */
  startEnv?: () => Record<string, string>;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class Supervisor {
  state: ProcessState = 'stopped';
  pid: number | null = null;
  startedAt: number | null = null;
  /** The health check's verdict; null before its first (or with no health check). */
  healthy: boolean | null = null;
  /** Restarts made by the policy since the engine started. */
  restarts = 0;
  /** How the last run ended (null while none has). */
  lastExit: Exit | null = null;
  /** While waiting: what for ("api: healthy"). */
  waitingFor: string | null = null;
  /** Set when the last stop had to SIGKILL the group. */
  lastStopKilled = false;

  readonly #budget: RestartBudget;
  #exited: Promise<Exit> | null = null;
  #cancelRetry: (() => void) | null = null;
  #stopHealth: (() => void) | null = null;
  #stopping: Promise<void> | null = null;
  /** The current run's descendants, followed outside its group too. */
  #run: TrackedRun | null = null;
  /** The current run's own cgroup, where the engine has a delegated subtree. */
  #cgroup: string | null = null;
  /** Ends what the last run left (after its leader's exit); its record goes last. */
  #ending: Promise<void> = Promise.resolve();
  /** Stops asked for that are not part of a restart: one during a restart's stop calls off its start. */
  #plainStops = 0;
  /** The cause of the run or stop under way: the state events it leads to name it too. */
  #cause: Cause = {};

  constructor(
    readonly cfg: ProcessConfig,
    private readonly deps: SupervisorDeps,
  ) {
    this.#budget = new RestartBudget(cfg.restart);
  }

  get name(): string {
    return this.cfg.name;
  }

  /** Start it (a person's start also forgives a spent restart budget); `cause` says who asked and why. */
  start(cause: Cause = {}): void {
    if (isLive(this.state) || this.state === 'backoff') return;
    this.#budget.reset();
    this.#launch('start', cause);
  }

  /** Held back by depends_on: `what` it waits for ("api: healthy"). */
  wait(what: string, cause: Cause = {}): void {
    if (this.state !== 'stopped' && this.state !== 'exited' && this.state !== 'fatal' && this.state !== 'waiting') return;
    this.#cause = { cause: cause.cause };
    this.waitingFor = what;
    this.#go('wait', { reason: `waiting for ${what}` });
  }

  /** Stop it and its whole group; resolves once nothing of it is left. `restart`: it starts again after. */
  stop(cause: Cause & { restart?: boolean } = {}): Promise<void> {
    if (!cause.restart) this.#plainStops++;
    if (this.#stopping) return this.#stopping;
    this.#cancelRetry?.();
    this.#cancelRetry = null;
    if (this.state === 'stopped') return Promise.resolve();
    this.#cause = { cause: cause.cause, reason: cause.reason };
    if (!isLive(this.state)) {
      this.#go('stop');
      return Promise.resolve();
    }
    const pid = this.pid!;
    const exited = this.#exited!;
    this.lastStopKilled = false;
    this.#go('stop', cause.restart ? { restart: true } : {});
    const run = this.#run;
    const cgroup = this.#cgroup;
    this.#stopping = stopGroup(pid, { signal: this.cfg.stop.signal, timeoutMs: this.cfg.stop.timeoutMs, exited, escaped: run ? () => run.escapees() : undefined, cgroup }).then(
      async ({ killed }) => {
        if (killed) this.lastStopKilled = true;
        await exited;
        await this.#ending;
        this.#stopping = null;
      },
    );
    return this.#stopping;
  }

  /**
   * Stop, then start again. A person's restart forgives the restart budget;
   * an automatic one (`counted`, e.g. a memory limit hit) spends from it,
   * so a process that keeps hitting its limit ends in fatal.
   */
  async restart(opts: { counted?: boolean } & Cause = {}): Promise<void> {
    const cause: Cause = { cause: opts.cause, reason: opts.reason };
    const stops = this.#plainStops;
    await this.stop({ ...cause, restart: true });
    // A stop asked for meanwhile (engine shutdown, engine stop) wins: the restart does not start it again.
    if (this.#plainStops !== stops) return;
    if (!opts.counted) return this.start(cause);
    const decision = this.#budget.decide(Date.now(), this.name, cause.reason ?? 'restarted automatically');
    if (!decision.restart) {
      this.#cause = { cause: cause.cause };
      this.#go('budgetSpent', { reason: decision.reason });
      return;
    }
    this.restarts++;
    this.#launch('start', cause);
  }

  /** SIGKILL the whole group now (the second Ctrl-C). */
  kill(): void {
    if (!this.pid || !isLive(this.state)) return;
    this.lastStopKilled = true;
    signalEscapees(this.#run?.known() ?? [], 'SIGKILL');
    if (this.#cgroup) killCgroup(this.#cgroup);
    killGroup(this.pid, 'SIGKILL');
  }

  /** Take `input`; the event names the cause under way, and its reason unless `extra` gives one. */
  #go(input: Input, extra: { exit?: Exit; reason?: string; restart?: true } = {}): void {
    const from = this.state;
    const to = nextState(this.name, from, input);
    this.state = to;
    this.deps.bus.publish('process:state', this.name, {
      process: this.name,
      from,
      to,
      pid: this.pid,
      exit_code: extra.exit?.code ?? null,
      signal: extra.exit?.signal ?? null,
      reason: extra.reason ?? this.#cause.reason ?? null,
      ...(extra.restart ? { restart: true as const } : {}),
      cause: this.#cause.cause ?? null,
    });
  }

  #launch(input: 'start' | 'retry', cause: Cause): void {
    this.#cause = { cause: cause.cause, reason: cause.reason };
    this.#go(input);
    let child: ChildProcess;
    // Every descendant inherits the run's marker, so one that leaves the group is still found.
    const token = newRunToken();
    const spawn = () => spawnProcess({ command: this.cfg.command, cwd: this.cfg.cwd, env: { ...this.#env(), [RUN_VARIABLE]: token } });
    let cgroup: string | null = null;
    try {
      if (this.deps.cgroup) ({ cgroup, result: child } = spawnInCgroup(this.deps.cgroup, token, spawn));
      else child = spawn();
    } catch (e) {
      if (this.deps.cgroup) rmCgroup(`${this.deps.cgroup}/run-${token}`);
      if (!(e instanceof PitError)) throw e;
      this.deps.bus.publish('process:error', this.name, { process: this.name, code: e.code, message: e.message });
      this.#afterExit({ code: null, signal: null }, `${e.message} [${e.code}]`);
      return;
    }
    this.pid = child.pid ?? null;
    this.startedAt = Date.now();
    let recorded = false;
    const stateDir = this.deps.stateDir;
    const run = child.pid
      ? trackRun(child.pid, token, readProcStat(child.pid)?.startTime ?? Infinity, (escaped) => {
          // The record follows the escapees, so a new engine finds them if this one is killed.
          if (recorded) writePidRecord(stateDir, this.name, child.pid!, { stop: this.cfg.stop, token, escaped, cgroup });
        })
      : null;
    this.#run = run;
    this.#cgroup = cgroup;
    this.#exited = new Promise<Exit>((resolve) => {
      let done = false;
      const finish = (exit: Exit, reason?: string) => {
        if (done) return;
        done = true;
        resolve(exit);
        const stopping = this.state === 'stopping';
        this.#onExit(child, exit, reason);
        // A failure to signal (EPERM) leaves the record: the next engine tries again.
        if (run) this.#ending = this.#endRun(child, run, drained, stopping, cgroup).catch(() => {});
      };
      // The exit is published after the output it printed, so whoever reads
      // the exit (a reaction, the import-error matcher) has seen the last line.
      child.once('exit', (code, signal) => {
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<void>((r) => (timer = setTimeout(r, OUTPUT_DRAIN_MS)));
        void Promise.race([drained, late]).then(() => {
          clearTimeout(timer);
          finish({ code, signal });
        });
      });
      // Node reports a failed spawn (ENOENT, EACCES) as 'error' with no 'exit'.
      child.once('error', (e) => finish({ code: null, signal: null }, `could not start: ${e.message}`));
    });
    const drained = this.deps.output.attach(this.name, child);
    child.once('spawn', () => {
      if (this.state !== 'starting') return;
      recorded = writePidRecord(this.deps.stateDir, this.name, child.pid!, { stop: this.cfg.stop, token, escaped: run?.known(), cgroup });
      this.#go('up');
      this.#watchHealth();
    });
  }

  #env(): NodeJS.ProcessEnv {
    const fromFiles = Object.assign({}, ...this.cfg.envFiles.map((f) => readEnvFile(f)));
    return { ...this.deps.baseEnv, ...fromFiles, ...this.cfg.env, ...this.deps.startEnv?.() };
  }

  #watchHealth(): void {
    if (!this.cfg.health) return;
    const health = this.cfg.health;
    this.#stopHealth = watchHealth(health, { cwd: this.cfg.cwd, env: this.#env(), lines: outputLines(this.deps.bus, this.name) }, {
      healthy: (reason) => {
        this.healthy = true;
        this.deps.bus.publish('process:healthy', this.name, { process: this.name, reason });
      },
      unhealthy: (failures, reason, during) => {
        this.healthy = false;
        const e = this.deps.bus.publish('process:unhealthy', this.name, { process: this.name, failures, reason });
        if (health.check.kind === 'file') this.deps.bus.publish('process:stale', this.name, { process: this.name, reason, cause: e.id });
        // A readiness check (health.restart: false) and a late start without startup.restart only report.
        const restart = during === 'startup' ? health.startup!.restart : health.restart;
        const why = during === 'startup' ? reason : `unhealthy after ${failures} failed probe${failures === 1 ? '' : 's'}: ${reason}`;
        if (restart && this.state === 'running') void this.restart({ cause: e.id, reason: why });
      },
    });
  }

  #onExit(child: ChildProcess, exit: Exit, reason?: string): void {
    this.#stopHealth?.();
    this.#stopHealth = null;
    this.healthy = null;
    const pid = child.pid;
    const uptimeMs = this.startedAt ? Date.now() - this.startedAt : 0;
    if (pid) {
      const e = this.deps.bus.publish('process:exit', this.name, {
        process: this.name, pid, exit_code: exit.code, signal: exit.signal, uptime_ms: uptimeMs,
        caused_by_engine: this.state === 'stopping',
        cause: this.state === 'stopping' ? this.#cause.cause : null,
      });
      // An exit of its own is the cause of what follows (backoff, a restart, fatal); a stop's exit keeps the stop's cause.
      if (this.state !== 'stopping') this.#cause = { cause: e.id };
    }
    this.#budget.noteExit(uptimeMs);
    this.#afterExit(exit, reason ?? describeExit(exit));
  }

  /**
   * The leader is gone; whatever it left, in its group or out of it, goes
   * with it, so restarts never pile up stray grandchildren. Then the run's
   * record and its pipes are let go: a descendant nobody could follow must
   * not hold the output (and an engine's shutdown) open for ever.
   */
  async #endRun(child: ChildProcess, run: TrackedRun, drained: Promise<void> | void, stopping: boolean, cgroup: string | null): Promise<void> {
    const pid = child.pid!;
    const groupLeft = listGroupMembers(pid).length > 0;
    // With the group empty, parentage has nothing left to follow; only the
    // run's marker can still find an escapee, and one look serves every
    // exit of the next 50 ms (a restart loop does not pay for a look each).
    // A stop waits for this, so it looks at once.
    const escaped = await run.escapees({ withinMs: groupLeft || stopping ? 0 : 50 });
    if (groupLeft || escaped.length || (cgroup && isCgroupPopulated(cgroup))) {
      await stopGroup(pid, { signal: this.cfg.stop.signal, timeoutMs: this.cfg.stop.timeoutMs, exited: Promise.resolve(), escaped: () => run.escapees(), cgroup });
    }
    run.untrack();
    if (cgroup) rmCgroup(cgroup);
    if (this.#run === run) {
      this.#run = null;
      this.#cgroup = null;
    }
    removePidRecord(this.deps.stateDir, this.name, pid);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([drained, new Promise<void>((r) => (timer = setTimeout(r, OUTPUT_DRAIN_MS)))]);
    clearTimeout(timer);
    child.stdout?.destroy();
    child.stderr?.destroy();
  }

  #afterExit(exit: Exit, reason: string): void {
    this.lastExit = exit;
    if (this.state === 'stopping') {
      this.#go('exit', { exit });
      this.pid = null;
      return;
    }
    // A spawn failure has no exit event: what it follows stays its cause.
    this.#go('exit', { exit, reason });
    this.pid = null;
    const failed = exit.code !== 0;
    const policy = this.cfg.restart.policy;
    if (policy === 'never' || (policy === 'on-failure' && !failed)) return;
    const decision = this.#budget.decide(Date.now(), this.name, reason);
    if (!decision.restart) {
      this.#go('budgetSpent', { exit, reason: decision.reason });
      return;
    }
    const delay = decision.delayMs;
    this.restarts++;
    this.#go('restart', { reason: `${reason}; restarting in ${formatDuration(delay)}` });
    const retry = () => {
      this.#cancelRetry = null;
      if (this.state === 'backoff') this.#launch('retry', { cause: this.#cause.cause, reason: `restarting after: ${reason}` });
    };
    // setTimeout waits at least 1 ms: a zero delay restarts on the next turn
    // of the loop instead (not at once, so a failing spawn cannot recurse).
    if (delay) {
      const timer = setTimeout(retry, delay);
      this.#cancelRetry = () => clearTimeout(timer);
    } else {
      const immediate = setImmediate(retry);
      this.#cancelRetry = () => clearImmediate(immediate);
    }
  }
}

function describeExit(exit: Exit): string {
  if (exit.signal) return `killed by ${exit.signal}`;
  if (exit.code === 127) return 'exited with code 127 (command not found)';
  if (exit.code === 126) return 'exited with code 126 (command not executable)';
  return `exited with code ${exit.code}`;
}
