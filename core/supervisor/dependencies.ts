// depends_on: when a process may start (its dependencies reached their
// condition) and when it may stop (everything that depends on it stopped).
// A dependency is always followed by name, never held as an object: a hot
// reload replaces a changed process's supervisor, and a dependent waiting
// for it must see the new one.
import { errors } from '../errors.js';
import type { EventBus } from '../events/bus.js';
import type { Cause } from '../events/cause.js';
import type { DependencyCondition } from '../model/pitfile.js';
import type { Supervisor } from './supervisor.js';

/**
 * The supervisor now in charge of a name (the engine's map); `members`
 * says which processes a name means: a replica group is all its copies,
 * so depends_on { api: healthy } waits for every replica of api.
 */
export interface Lookup {
  (name: string): Supervisor | undefined;
  members?: (name: string) => string[];
}

const membersOf = (lookup: Lookup, name: string) => lookup.members?.(name) ?? [name];

/** Whether every process `dep` means meets `cond` now (none running yet: not met). */
function isMetByAll(lookup: Lookup, dep: string, cond: DependencyCondition): boolean {
  const sups = membersOf(lookup, dep).map((m) => lookup(m));
  return sups.length > 0 && sups.every((s) => s && isMet(s, cond));
}

export interface WaitOptions {
  lookup: Lookup;
  /**
   * Set for a person's start (engine start): give up when a dependency
   * cannot meet its condition unless someone acts, naming why. A
   * dependency is still on its way while `isPending` says its own start is
   * waiting. Without it (start-up), a dependent waits until it can start.
   */
  isPending?: (name: string) => boolean;
  signal?: AbortSignal;
}

/** Whether `dep` meets `cond` now. */
function isMet(dep: Supervisor, cond: DependencyCondition): boolean {
  if (cond === 'started') return dep.state === 'running';
  if (cond === 'healthy') return dep.healthy === true;
  return dep.state === 'exited' && dep.lastExit?.code === 0;
}

/** Why `dep` cannot meet `cond` by itself any more, or null while it still may. */
function whyStuck(dep: Supervisor, cond: DependencyCondition, isPending: (name: string) => boolean): string | null {
  if (dep.state === 'fatal') return 'is fatal (its restarts are spent)';
  if (dep.state === 'stopped' && !isPending(dep.name)) return 'is stopped';
  if (dep.state === 'exited') return dep.lastExit?.signal ? `was killed by ${dep.lastExit.signal}` : `exited with code ${dep.lastExit?.code}`;
  return null;
}

/** What `sup` still waits for ("api: healthy, db: started"), or null when nothing. */
export function unmetDependencies(sup: Supervisor, lookup: Lookup): string | null {
  const unmet = Object.entries(sup.cfg.dependsOn).filter(([dep, cond]) => !isMetByAll(lookup, dep, cond));
  return unmet.length ? unmet.map(([dep, cond]) => `${dep}: ${cond}`).join(', ') : null;
}

/**
 * Wait for `sup`'s dependencies as `waitForDependencies` does, showing it
 * as waiting (with what for) meanwhile; the caller starts it. Rejects,
 * leaving the state to the caller, when the wait fails or is called off.
 */
export async function startWhenReady(bus: EventBus, sup: Supervisor, opts: WaitOptions, cause: Cause = {}): Promise<void> {
  const what = unmetDependencies(sup, opts.lookup);
  if (what) {
    sup.wait(what, cause);
    await waitForDependencies(bus, sup.name, sup.cfg.dependsOn, opts);
  }
}

/** Resolves once every dependency in `dependsOn` meets its condition, read afresh at each of its events. */
export function waitForDependencies(bus: EventBus, name: string, dependsOn: Record<string, DependencyCondition>, opts: WaitOptions): Promise<void> {
  return Promise.all(Object.entries(dependsOn).map(([dep, cond]) => waitForOne(bus, name, dep, cond, opts))).then(() => {});
}

function waitForOne(bus: EventBus, name: string, dep: string, cond: DependencyCondition, opts: WaitOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      if (opts.signal?.aborted) return finish(new Error(`the start of ${name} was cancelled`));
      const names = membersOf(opts.lookup, dep);
      const sups = names.map((m) => opts.lookup(m));
      // A dependency missing for a moment (mid-reload) is waited for: validation refuses a depends_on on no process.
      if (!sups.length || sups.some((s) => !s)) return false;
      if (isMetByAll(opts.lookup, dep, cond)) return finish();
      for (const s of opts.isPending ? sups : []) {
        const why = whyStuck(s!, cond, opts.isPending!);
        if (why) return finish(errors.PIT_E_PROCESS_DEPENDENCY(name, dep, cond, s!.name === dep ? why : `has a replica that cannot get there: ${s!.name} ${why}`));
      }
      return false;
    };
    const finish = (e?: Error): true => {
      off();
      opts.signal?.removeEventListener('abort', check);
      if (e) reject(e);
      else resolve();
      return true;
    };
    // A replica group's copies change with engine scale: any process's state is looked at.
    const subject = opts.lookup.members && membersOf(opts.lookup, dep).join() !== dep ? '*' : dep;
    const off = bus.on([`process:${subject}:state`, `process:${subject}:healthy`], () => void check());
    opts.signal?.addEventListener('abort', check);
    check();
  });
}

/** Names of the processes that depend on `name` (or on its replica group). */
export function dependentsOf(name: string, all: Iterable<Supervisor>, group?: string): string[] {
  return [...all].filter((s) => name in s.cfg.dependsOn || (group !== undefined && group in s.cfg.dependsOn)).map((s) => s.name);
}

/** Per process: null when the verb succeeded, else the error. */
export type Outcomes = Map<string, Error | null>;

/** Why a process is stopped; `restart`: it is started again after. */
export type StopCause = Cause & { restart?: boolean };

/**
 * Stop `names`, each only after those of them that depend on it: dependents
 * are stopped before what they depend on, the rest in parallel. `cause`:
 * the same for all, or per name.
 */
export async function stopInOrder(names: string[], lookup: Lookup, cause: StopCause | ((name: string) => StopCause) = {}): Promise<Outcomes> {
  const causeOf = typeof cause === 'function' ? cause : () => cause;
  const group = names.map((n) => lookup(n)).filter((s): s is Supervisor => !!s);
  const stopped = new Map<string, Promise<Error | null>>();
  const stopOne = (sup: Supervisor): Promise<Error | null> => {
    let p = stopped.get(sup.name);
    if (!p) {
      const dependents = dependentsOf(sup.name, group, sup.cfg.replica?.group).map((n) => stopOne(lookup(n)!));
      p = Promise.all(dependents).then(() => sup.stop(causeOf(sup.name)).then(() => null, (e: Error) => e));
      stopped.set(sup.name, p);
    }
    return p;
  };
  const results = await Promise.all(group.map(stopOne));
  return new Map(group.map((s, i) => [s.name, results[i]]));
}

/**
 * Start `names` as start-up does: a dependency in the group is started
 * first, and each process starts once its dependencies meet their
 * condition. One whose dependency cannot (stopped, failed) is not started,
 * and its outcome says why.
 */
export async function startInOrder(bus: EventBus, names: string[], lookup: Lookup, pending: PendingStarts, cause: Cause | ((name: string) => Cause) = {}): Promise<Outcomes> {
  // Each member's own cause: a dependency brought along says for whom (engine.ts startProcesses).
  const causeOf = typeof cause === 'function' ? cause : () => cause;
  const inGroup = new Set(names);
  const started = new Map<string, Promise<Error | null>>();
  // Every member counts as on its way before the first one looks at its dependencies.
  const signals = new Map(names.map((n) => [n, pending.begin(n)]));
  const startOne = (name: string): Promise<Error | null> => {
    let p = started.get(name);
    if (p) return p;
    const sup = lookup(name)!;
    const signal = signals.get(name)!;
    // [process, what it depends on as written]: a replica group's copies in the group each count.
    const deps = Object.keys(sup.cfg.dependsOn).flatMap((d) => membersOf(lookup, d).map((m) => [m, d] as const)).filter(([m]) => inGroup.has(m));
    p = (async () => {
      // Already up (or about to retry): nothing to wait for.
      if (!['stopped', 'exited', 'fatal', 'waiting'].includes(sup.state)) return null;
      const failures = await Promise.all(deps.map(([m]) => startOne(m)));
      const i = failures.findIndex((e) => e);
      if (i >= 0) throw errors.PIT_E_PROCESS_DEPENDENCY(name, deps[i][1], sup.cfg.dependsOn[deps[i][1]], deps[i][0] === deps[i][1] ? 'was not started either' : `has a replica that was not started either: ${deps[i][0]}`);
      await startWhenReady(bus, sup, { lookup, isPending: (n) => pending.has(n), signal }, causeOf(name));
      if (lookup(name) !== sup) throw new Error(`${name} was replaced by a reload meanwhile`);
      sup.start(causeOf(name));
      return null;
    })()
      .catch((e: Error) => {
        // Given up (not called off by a newer start or a stop): it no longer waits.
        if (!signal.aborted && sup.state === 'waiting') void sup.stop({ cause: causeOf(name).cause, reason: e.message });
        return e;
      })
      .finally(() => pending.end(name, signal));
    started.set(name, p);
    return p;
  };
  const results = await Promise.all(names.map(startOne));
  return new Map(names.map((n, i) => [n, results[i]]));
}

/** Starts waiting for their dependencies, by name; a newer start of the same name cancels the older. */
export class PendingStarts {
  readonly #waits = new Map<string, AbortController>();

  /** Register a start of `name` (cancelling one already waiting); its signal aborts when it is cancelled. */
  begin(name: string): AbortSignal {
    this.#waits.get(name)?.abort();
    const c = new AbortController();
    this.#waits.set(name, c);
    return c.signal;
  }

  /** The start that owns `signal` is over. */
  end(name: string, signal: AbortSignal): void {
    if (this.#waits.get(name)?.signal === signal) this.#waits.delete(name);
  }

  has(name: string): boolean {
    return this.#waits.has(name);
  }

  /** Cancel the waiting start of each name (a reload replaced or removed it, or the engine stops). */
  cancel(names: Iterable<string>): void {
    for (const n of names) {
      this.#waits.get(n)?.abort();
      this.#waits.delete(n);
    }
  }

  names(): string[] {
    return [...this.#waits.keys()];
  }
}
