// ${VAR} from the exporting shell, kept as a reference instead of its value.
// The loader fills ${VAR} from the environment of whoever runs the command;
// an export is a file that outlives that shell and is committed or shipped,
// so a token in the exporter's environment must not end up in it. Export
// loads the pitfile with each reference in an env value or a command left
// as a marker, and each target writes it in its own syntax, or leaves the
// value out and says so.
import { loadPitfile, type LoadOptions } from '../config/load.js';
import type { PathKey } from '../config/parse.js';
import type { Pitfile } from '../model/pitfile.js';

/** A ${name} or ${name:-fallback} the pitfile wrote. */
export interface ShellReference {
  name: string;
  fallback?: string;
}

// Private-use characters: a pitfile has no reason to hold them, and they survive validation as text.
const OPEN = '\uE000';
const SEP = '\uE001';
const CLOSE = '\uE002';
const marker = new RegExp(`${OPEN}([^${SEP}${CLOSE}]*)(?:${SEP}([^${CLOSE}]*))?${CLOSE}`, 'g');

/** Where a reference is kept: a process's env values and command, and a reaction's run command and env (a cron run becomes a timer or a CronJob). */
const kept = (path: PathKey[]) =>
  (path[0] === 'processes' && (path[2] === 'env' || path[2] === 'command')) ||
  (path[0] === 'reactions' && path[4] === 'run' && (path.length === 5 || path[5] === 'command' || path[5] === 'env' || typeof path[5] === 'number'));

/** The pitfile as engine export reads it: ${VAR} in env values and commands kept, not filled. */
export async function loadForExport(opts: LoadOptions): Promise<Pitfile> {
  const keepReference = (path: PathKey[], name: string, fallback: string | undefined) =>
    kept(path) ? `${OPEN}${name}${fallback === undefined ? '' : SEP + fallback}${CLOSE}` : undefined;
  return (await loadPitfile({ ...opts, plugins: false, keepReference })).pitfile;
}

/** `value` as literal text and references, in order. */
export function splitReferences(value: string): (string | ShellReference)[] {
  const out: (string | ShellReference)[] = [];
  let last = 0;
  for (const m of value.matchAll(marker)) {
    if (m.index! > last) out.push(value.slice(last, m.index));
    out.push(m[2] === undefined ? { name: m[1] } : { name: m[1], fallback: m[2] });
    last = m.index! + m[0].length;
  }
  if (last < value.length || !out.length) out.push(value.slice(last));
  return out;
}

/** The names of the references in `value` ([] for plain text). */
export const referencesIn = (value: string): ShellReference[] => splitReferences(value).filter((p): p is ShellReference => typeof p !== 'string');

/** `value` with each literal part escaped and each reference written as `ref` writes it. */
export function renderReferences(value: string, literal: (s: string) => string, ref: (r: ShellReference) => string): string {
  return splitReferences(value)
    .map((p) => (typeof p === 'string' ? literal(p) : ref(p)))
    .join('');
}

/** `value` with each literal part passed through `fn` and each reference kept as it is (still a reference). */
export const mapLiterals = (value: string, fn: (s: string) => string): string =>
  renderReferences(value, fn, (r) => `${OPEN}${r.name}${r.fallback === undefined ? '' : SEP + r.fallback}${CLOSE}`);

/**
 * The warning for a command whose references a target fills from its own
 * environment when it runs: what to set, and that a default is not kept.
 */
export function commandReferenceWarning(who: string, command: string[], target: string, how: string): string | null {
  const refs = command.flatMap(referencesIn);
  if (!refs.length) return null;
  const names = [...new Set(refs.map((r) => r.name))];
  const defaults = refs.some((r) => r.fallback !== undefined) ? ' (its default after :- is not kept)' : '';
  return `${who}: the command's ${names.map((n) => `\${${n}}`).join(', ')} comes from the shell; ${target} fills it from ${how}${defaults}`;
}

/** The warning for an env value that came from the shell and is left out (null when it holds no reference). */
export function envReferenceWarning(who: string, key: string, value: string, why: string): string | null {
  const names = [...new Set(referencesIn(value).map((r) => `\${${r.name}}`))];
  return names.length ? `${who}: env ${key} is left out: its value comes from the shell (${names.join(', ')}) and ${why}` : null;
}
