// The config stages in order: discover, parse, layer, interpolate, validate,
// check, normalize, and (asked) check against this machine. The result is
// the one input the engine gets, with the warnings a person should see.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { PitfileError, type PitError } from '../errors.js';
import type { Pitfile } from '../model/pitfile.js';
import { discoverPitfile } from './discover.js';
import { parseConfigFile, type PathKey, type SourceFile } from './parse.js';
import { LOCAL_LAYER, locateInLayers, mergeLayers } from './layer.js';
import { interpolate, type KeepReference } from './interpolate.js';
import { validateShape } from './validate.js';
import { checkSemantics } from './semantics.js';
import { normalize } from './normalize.js';
import { checkPluginOptions } from './plugin-options.js';
import { checkMachine } from './machine-checks.js';
import type { Problem } from './validate.js';

export interface LoadOptions {
  /** --config FILE; else the search starts at `cwd`. */
  config?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /**
   * Load each listed plugin (in a worker) to check its options against the
   * schema it declares. Off unless asked: loading a plugin runs the
   * project's code, and inspecting a pitfile never may (engine run and
   * reload ask; engine validate --check-plugins asks).
   */
  plugins?: boolean;
  /** engine export: keep ${VAR} references where this says (see interpolate.ts). */
  keepReference?: KeepReference;
  /** Unsaved texts by absolute file path, read instead of the disk: an edit is checked before it is written. */
  texts?: ReadonlyMap<string, string>;
  /**
   * Also check what the pitfile needs from this machine (machine-checks.ts:
   * cwd, programs on PATH, watched files, cores), by stat and PATH lookups
   * only. engine run, reload, validate and doctor ask; export and the
   * client verbs do not (the pitfile may be meant for another machine).
   */
  machine?: boolean;
}

export interface Loaded {
  pitfile: Pitfile;
  /** The layered, interpolated document as written (for `engine config show`). */
  data: Record<string, unknown>;
  /** What may not work, placed in the file, in file order: shown, never fatal (validate --strict makes them so). */
  warnings: PitError[];
}

/** Load and check the pitfile; throws PitfileError listing every problem. */
export async function loadPitfile(opts: LoadOptions = {}): Promise<Loaded> {
  const cwd = opts.cwd ?? process.cwd();
  const found = await discoverPitfile(cwd, opts.config);
  const sources: SourceFile[] = [parseConfigFile(found.file, found.prop, opts.texts?.get(found.file))];
  const localFile = join(dirname(found.file), LOCAL_LAYER);
  const localText = opts.texts?.get(localFile);
  if (localText !== undefined || existsSync(localFile)) sources.push(parseConfigFile(localFile, undefined, localText));

  const merged = sources.map((s) => s.data).reduce((a, b) => mergeLayers(a, b));
  const { data, problems: interpolationProblems } = interpolate(merged, opts.env ?? process.env, opts.keepReference);
  const checked: Problem[] = [...interpolationProblems, ...(await validateShape(data))];
  checked.push(...(await checkSemantics(data)));
  let { problems, warnings } = split(checked);
  const listed = (data as { plugins?: Parameters<typeof checkPluginOptions>[0] }).plugins ?? [];
  if (!problems.length && opts.plugins === true) problems.push(...(await checkPluginOptions(listed, dirname(found.file))));
  const fail = () => new PitfileError(sortByPlace(problems.map((p) => place(sources, p))), sortByPlace(warnings.map((p) => place(sources, p))));
  if (problems.length) throw fail();

  const root = dirname(found.file);
  const pitfile = normalize(data as Record<string, any>, found.file, sources.slice(1).map((s) => s.file), root);
  if (opts.machine === true) {
    const onMachine = split(checkMachine(pitfile, { env: opts.env ?? process.env, cores: availableParallelism() }));
    ({ problems } = onMachine);
    warnings = [...warnings, ...onMachine.warnings];
    if (problems.length) throw fail();
  }
  return { pitfile, data: data as Record<string, unknown>, warnings: sortByPlace(warnings.map((p) => place(sources, p))) };
}

function split(list: Problem[]): { problems: Problem[]; warnings: Problem[] } {
  return { problems: list.filter((p) => !p.warning), warnings: list.filter((p) => p.warning) };
}

function place(sources: SourceFile[], p: { path: PathKey[]; key?: boolean; error: PitError }): PitError {
  const { where, frame } = locateInLayers(sources, p.path, { key: p.key });
  return p.error.at({ ...where, path: formatPath(p.path) }, frame);
}

/** processes.api.restart.policy, reactions[0].do[1] */
export function formatPath(path: PathKey[]): string {
  return path.map((k, i) => (typeof k === 'number' ? `[${k}]` : i ? `.${k}` : k)).join('') || '(top level)';
}

function sortByPlace(list: PitError[]): PitError[] {
  return list.sort(
    (a, b) =>
      (a.where?.file ?? '').localeCompare(b.where?.file ?? '') ||
      (a.where?.line ?? 0) - (b.where?.line ?? 0) ||
      (a.where?.column ?? 0) - (b.where?.column ?? 0),
  );
}
