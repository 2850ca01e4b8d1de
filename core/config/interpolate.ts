// ${VAR}, ${VAR:-default} and $$ in string values, from the environment.
// Only "${" starts a reference, so "$process" in a reaction stays as written,
// and so do ${match.N} and ${event.x}, which reactions fill in.
import { errors, type PitError } from '../errors.js';
import type { PathKey } from './parse.js';

export interface InterpolationProblem {
  path: PathKey[];
  error: PitError;
}

const reference = /\$\$|\$\{([^}]*)\}|\$\{/g;
const withDefault = /^([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/s;

/**
 * What to put for ${name} (or ${name:-fallback}) at `path` instead of the
 * environment's value; undefined reads the environment. engine export keeps
 * references this way, so a value from the shell is never baked into a file.
 */
export type KeepReference = (path: PathKey[], name: string, fallback: string | undefined) => string | undefined;

/** A copy of `data` with every string interpolated, and what could not be. */
export function interpolate(
  data: unknown,
  env: NodeJS.ProcessEnv,
  keep?: KeepReference,
): { data: unknown; problems: InterpolationProblem[] } {
  const problems: InterpolationProblem[] = [];
  const visit = (v: unknown, path: PathKey[]): unknown => {
    if (typeof v === 'string') return v.includes('$') ? expand(v, env, path, problems, keep) : v;
    if (Array.isArray(v)) return v.map((x, i) => visit(x, [...path, i]));
    if (v && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, visit(x, [...path, k])]));
    }
    return v;
  };
  return { data: visit(data, []), problems };
}

function expand(text: string, env: NodeJS.ProcessEnv, path: PathKey[], problems: InterpolationProblem[], keep?: KeepReference) {
  return text.replace(reference, (whole, inner: string | undefined) => {
    if (whole === '$$') return '$';
    // ${match.1} and ${event.x} belong to reactions, filled when they fire.
    if (inner !== undefined && /^(match|event)\.[A-Za-z0-9_.]+$/.test(inner)) return whole;
    const m = inner === undefined ? null : withDefault.exec(inner);
    if (!m) {
      problems.push({ path, error: errors.PIT_E_CONFIG_INTERPOLATION(text) });
      return whole;
    }
    const [, name, fallback] = m;
    const kept = keep?.(path, name, fallback);
    if (kept !== undefined) return kept;
    const value = env[name];
    if (value !== undefined && value !== '') return value;
    if (fallback !== undefined) return fallback;
    if (value === '') return '';
    problems.push({ path, error: errors.PIT_E_CONFIG_ENV_UNSET(name) });
    return whole;
  });
}
