// The engine wires the parts: one supervisor per process, started in
// dependency order and stopped in reverse, all talking through one bus.
import type { ChildProcess } from 'node:child_process';
import { EventBus } from './events/bus.js';
import type { Pitfile } from './model/pitfile.js';
import { Supervisor } from './supervisor/supervisor.js';
import { waitFor, dependentsOf } from './supervisor/dependencies.js';
import { ensureStateDir } from './state-dir.js';
import { acquireEngineLock } from './process/engine-lock.js';
import { endOrphans } from './process/orphans.js';
import { ProcessOutput, type LineSink } from './logs/process-output.js';

export interface EngineOptions {
  /** Receives every output line (the terminal of `engine run`). */
  lines?: LineSink;
  env?: NodeJS.ProcessEnv;
}

export class Engine {
  readonly bus = new EventBus();
  readonly supervisors = new Map<string, Supervisor>();
  #release: (() => void) | null = null;
  readonly #output: ProcessOutput;

  constructor(
    readonly pitfile: Pitfile,
    private readonly opts: EngineOptions = {},
  ) {
    this.#output = new ProcessOutput(pitfile, this.bus, opts.lines);
  }

  /**
   * Take the project's lock, end what a killed engine left behind, and start
   * every autostart process once its dependencies allow. Resolves when every
   * launch has been made (not when every process is up).
   */
  async start(): Promise<void> {
    const { stateDir } = this.pitfile.settings;
    ensureStateDir(stateDir);
    this.#release = acquireEngineLock(stateDir).release;
    for (const report of await endOrphans(stateDir)) {
      this.bus.publish('engine:orphan', report.name, { process: report.name, pid: report.pid, outcome: report.outcome });
    }
    const sink = { attach: (name: string, child: ChildProcess) => this.#output.attach(name, child) };
    for (const cfg of Object.values(this.pitfile.processes)) {
      this.supervisors.set(cfg.name, new Supervisor(cfg, { bus: this.bus, stateDir, output: sink, baseEnv: this.opts.env ?? process.env }));
    }
    for (const sup of this.supervisors.values()) {
      if (sup.cfg.autostart) void this.#startAfterDependencies(sup);
    }
  }

  async #startAfterDependencies(sup: Supervisor): Promise<void> {
    await Promise.all(Object.entries(sup.cfg.dependsOn).map(([dep, cond]) => waitFor(this.bus, this.supervisors.get(dep)!, cond)));
    if (!this.#stopRequested) sup.start();
  }

  #stopRequested = false;

  /**
   * Stop everything, each process only after those that depend on it, all
   * others in parallel. Resolves true when no process had to be killed.
   */
  async stop(): Promise<boolean> {
    this.#stopRequested = true;
    const stopped = new Map<string, Promise<void>>();
    const stopOne = (sup: Supervisor): Promise<void> => {
      let p = stopped.get(sup.name);
      if (!p) {
        const dependents = dependentsOf(sup.name, this.supervisors.values()).map((n) => stopOne(this.supervisors.get(n)!));
        p = Promise.all(dependents).then(() => sup.stop());
        stopped.set(sup.name, p);
      }
      return p;
    };
    await Promise.all([...this.supervisors.values()].map(stopOne));
    await this.#output.close();
    this.#release?.();
    this.#release = null;
    return [...this.supervisors.values()].every((s) => !s.lastStopKilled);
  }

  /** SIGKILL every process group now; for the second Ctrl-C. */
  kill(): void {
    this.#stopRequested = true;
    for (const sup of this.supervisors.values()) sup.kill();
  }
}
