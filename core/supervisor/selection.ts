// Which processes `engine run` starts. Named ones (`engine run api worker`)
// and what they depend on; else every process but those `--except` leaves
// out. Profiles gate processes as Compose's do: one without `profiles`
// always runs, one with them only when one is active (`--profile dev`) or
// when it is named. Every process left out is "not started", with why.
import { errors } from '../errors.js';
import type { Pitfile, ProcessConfig } from '../model/pitfile.js';
import { expandNames, membersOf } from '../config/replicas.js';

/** What `engine run` was asked to start, as given on its command line. */
export interface RunRequest {
  names?: string[];
  except?: string[];
  profiles?: string[];
}

/** What the engine starts at launch, and why each other process is not started. */
export interface Selection {
  start: Set<string>;
  /** name → "not selected: engine run api", "profile dev not active", "autostart: false". */
  notStarted: Map<string, string>;
}

/**
 * The processes `request` starts in `pitfile`. Throws a PitError when it
 * names what the pitfile lacks, or when a process it starts depends on one
 * it leaves out: Compose refuses a dependency its profiles disable, and so
 * does `--except` here. `lenient` (a reload): names and profiles the pitfile
 * no longer has are passed over, since the engine runs already.
 */
export function selectProcesses(pitfile: Pitfile, request: RunRequest = {}, opts: { lenient?: boolean } = {}): Selection {
  const procs = pitfile.processes;
  // A replica group's name (api) means its copies (api.1, api.2), as on every other verb.
  const names = checkedNames(procs, expandNames(pitfile, request.names ?? []), 'engine run', opts.lenient);
  const except = checkedNames(procs, expandNames(pitfile, request.except ?? []), 'engine run --except', opts.lenient);
  const profiles = [...new Set(request.profiles ?? [])];
  if (!opts.lenient) checkProfiles(procs, profiles);
  const both = names.find((n) => except.includes(n));
  if (both) throw errors.PIT_E_CLI_USAGE(`${both} is both named and left out by --except`);
  // A named process's profiles become active, as Compose does for a service it is asked for by name.
  const active = new Set([...profiles, ...names.flatMap((n) => procs[n].profiles)]);
  const isEnabled = (p: ProcessConfig) => !p.profiles.length || p.profiles.some((x) => active.has(x));
  // Naming processes is asking for them: their dependencies come too, autostart or not.
  const named = (request.names ?? []).length > 0;
  const roots = named ? names : Object.values(procs).filter((p) => isEnabled(p) && p.autostart && !except.includes(p.name)).map((p) => p.name);
  const start = new Set<string>();
  const visit = (name: string): void => {
    if (start.has(name)) return;
    start.add(name);
    for (const dep of Object.keys(procs[name].dependsOn).flatMap((d) => membersOf(pitfile, d))) {
      if (except.includes(dep)) throw errors.PIT_E_RUN_EXCLUDED_DEPENDENCY(name, dep);
      if (!isEnabled(procs[dep])) throw errors.PIT_E_RUN_PROFILE_DEPENDENCY(name, dep, procs[dep].profiles);
      // Without names, autostart: false is kept: the dependent waits for a person (or a reaction) to start it.
      if (named || procs[dep].autostart) visit(dep);
    }
  };
  roots.forEach(visit);
  const asked = runCommand(request);
  const notStarted = new Map<string, string>();
  for (const p of Object.values(procs)) {
    if (start.has(p.name)) continue;
    if (named || except.includes(p.name)) notStarted.set(p.name, `not selected: ${asked}`);
    else if (!isEnabled(p)) notStarted.set(p.name, `${plural('profile', p.profiles)} ${p.profiles.join(', ')} not active`);
    else notStarted.set(p.name, 'autostart: false');
  }
  return { start, notStarted };
}

/**
 * `names` plus every process they depend on, directly or not, that has not
 * been started yet (`isNotStarted`): what `engine start` of a process left
 * out at launch starts with it.
 */
export function withDependencies(names: string[], pitfile: Pitfile, isNotStarted: (name: string) => boolean): string[] {
  const procs = pitfile.processes;
  const group = new Set(names);
  const seen = new Set<string>();
  const visit = (name: string): void => {
    if (seen.has(name)) return;
    seen.add(name);
    for (const dep of Object.keys(procs[name]?.dependsOn ?? {}).flatMap((d) => membersOf(pitfile, d))) {
      if (isNotStarted(dep)) group.add(dep);
      visit(dep);
    }
  };
  names.forEach(visit);
  return [...group];
}

/**
 * After a reload that applied `diff` under the new `selection`: which
 * processes to start (added or changed ones the selection takes, changed
 * ones that had been started, unchanged ones newly needed that never ran),
 * and why each one never started still is not. `notStarted`: before it.
 */
export function reselect(selection: Selection, diff: { added: string[]; changed: string[] }, notStarted: Map<string, string>): { starts: Set<string>; notStarted: Map<string, string> } {
  const isNew = (n: string) => diff.added.includes(n) || diff.changed.includes(n);
  const neverRan = (n: string) => diff.added.includes(n) || notStarted.has(n);
  const names = [...selection.start, ...selection.notStarted.keys()];
  // A changed process that ran (by launch or by a person) runs again, as before subsets existed.
  const starts = new Set(names.filter((n) => (isNew(n) ? selection.start.has(n) || !neverRan(n) : selection.start.has(n) && neverRan(n))));
  return { starts, notStarted: new Map([...selection.notStarted].filter(([n]) => !starts.has(n) && neverRan(n))) };
}

/** What engine run's terminal says of those of `names` left out, one line per reason: "not started (profile dev not active): admin, mail". */
export function notStartedNotes(names: string[], notStarted: Map<string, string>): string[] {
  const byReason = new Map<string, string[]>();
  for (const n of names.filter((x) => notStarted.has(x))) {
    const why = notStarted.get(n)!;
    byReason.set(why, [...(byReason.get(why) ?? []), n]);
  }
  return [...byReason].map(([why, list]) => `not started (${why}): ${list.join(', ')}`);
}

/** "engine run api --profile dev", as a person would type it again. */
export function runCommand(request: RunRequest): string {
  const words = ['engine run', ...(request.names ?? [])];
  if (request.except?.length) words.push(`--except ${request.except.join(',')}`);
  for (const p of request.profiles ?? []) words.push(`--profile ${p}`);
  return words.join(' ');
}

/** `names` without repeats; one the pitfile lacks is an error (or, when lenient, passed over). */
function checkedNames(procs: Pitfile['processes'], names: string[], where: string, lenient = false): string[] {
  const known = Object.keys(procs);
  const unknown = names.find((n) => !Object.hasOwn(procs, n));
  if (unknown && !lenient) throw errors.PIT_E_RUN_PROCESS_UNKNOWN(where, unknown, known.join(', ') || '(none)');
  return [...new Set(names.filter((n) => Object.hasOwn(procs, n)))];
}

/** A --profile no process has is a typo more often than not: said, not ignored. */
function checkProfiles(procs: Pitfile['processes'], profiles: string[]): void {
  const known = [...new Set(Object.values(procs).flatMap((p) => p.profiles))];
  const unknown = profiles.find((p) => !known.includes(p));
  if (unknown) throw errors.PIT_E_RUN_PROFILE_UNKNOWN(unknown, known.join(', ') || '(none: no process has "profiles")');
}

const plural = (word: string, list: unknown[]) => (list.length === 1 ? word : `${word}s`);
