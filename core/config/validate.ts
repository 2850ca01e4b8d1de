// The pitfile's shape, checked by ajv against schemas/pitfile.schema.json,
// with each ajv error turned into one PitError a person can act on.
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { Ajv as AjvType, ErrorObject, ValidateFunction } from 'ajv';
import { errors, type PitError } from '../errors.js';
import type { PathKey } from './parse.js';
import { suggest } from './suggest.js';
import { pitfileSchema, ajvOptions, FAST_CHECK_FILE } from './schema.js';

/** A schema violation at a data path; `key` points at the key rather than the value. */
export interface Problem {
  path: PathKey[];
  key?: boolean;
  error: PitError;
  /** Shown, but the pitfile still loads (engine validate --strict fails on it). */
  warning?: boolean;
}

type Schema = Record<string, any>;

// The precompiled check answers "valid?" without ajv; built by compile-schema.ts.
const fastCheck: ((data: unknown) => boolean) | null = existsSync(FAST_CHECK_FILE)
  ? (await import(pathToFileURL(FAST_CHECK_FILE).href)).default
  : null;

let ajv: AjvType;
let validateRoot: ValidateFunction;
const branchValidators = new Map<string, ValidateFunction>();

/** Every shape problem of `data`, none if it matches the schema. */
export async function validateShape(data: unknown): Promise<Problem[]> {
  if (fastCheck?.(data)) return [];
  if (!ajv) {
    const { Ajv } = await import('ajv');
    ajv = new Ajv({ ...ajvOptions, allErrors: true, verbose: true });
    validateRoot = ajv.compile(pitfileSchema);
  }
  return collect(validateRoot, data, []);
}

/**
 * `data` checked against another schema (a plugin's options), with the same
 * messages; `value` is a copy with the schema's defaults applied.
 */
export async function validateAgainst(schema: Schema, data: unknown, base: PathKey[]): Promise<{ problems: Problem[]; value: unknown }> {
  const { Ajv } = await import('ajv');
  const validate = new Ajv({ allErrors: true, verbose: true, useDefaults: true, strict: false }).compile(schema);
  const value = structuredClone(data);
  if (validate(value)) return { problems: [], value };
  return { problems: (validate.errors ?? []).map((e) => toProblem(e, [...base, ...pointerToPath(e.instancePath)])), value };
}

function collect(validate: ValidateFunction, data: unknown, base: PathKey[]): Problem[] {
  if (validate(data)) return [];
  const errs = validate.errors ?? [];
  const out: Problem[] = [];
  // A failed union (string or list, say) makes ajv report every branch. Keep
  // only the branch the value's type picks, checked on its own, so the user
  // sees "must be >= 1" rather than "must be string, must be array, must match".
  const replaced: string[] = [];
  const droppedRequired = new Set<string>();
  const unions = errs
    .filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf')
    .sort((a, b) => a.instancePath.length - b.instancePath.length);
  for (const u of unions) {
    if (replaced.some((p) => isUnder(u.instancePath, p))) continue;
    const path = [...base, ...pointerToPath(u.instancePath)];
    const branches = (u.schema as Schema[]).map(resolve);
    const exclusive = branches.map((b) => requiredOnly(b));
    if (exclusive.every((k) => k !== null)) {
      const keys = exclusive as string[];
      keys.forEach((k) => droppedRequired.add(`${u.instancePath}\0${k}`));
      const present = keys.filter((k) => u.data && typeof u.data === 'object' && k in u.data);
      const detail = present.length
        ? `has ${present.join(' and ')}; use exactly one of ${keys.join(', ')}`
        : `needs one of ${keys.join(', ')}`;
      out.push({ path, key: true, error: errors.PIT_E_CONFIG_INVALID(detail) });
      continue;
    }
    replaced.push(u.instancePath);
    const fitting = branches.filter((b) => fits(b, u.data));
    if (fitting.length) out.push(...collect(branchValidator(fitting[0]), u.data, path));
    else out.push({ path, error: errors.PIT_E_CONFIG_TYPE(branches.map(describe).join(' or '), got(u.data)) });
  }
  for (const e of errs) {
    if (e.keyword === 'anyOf' || e.keyword === 'oneOf' || e.keyword === 'propertyNames') continue;
    if (replaced.some((p) => isUnder(e.instancePath, p))) continue;
    if (e.keyword === 'required' && droppedRequired.has(`${e.instancePath}\0${e.params.missingProperty}`)) continue;
    out.push(toProblem(e, [...base, ...pointerToPath(e.instancePath)]));
  }
  return out;
}

function toProblem(e: ErrorObject, path: PathKey[]): Problem {
  const p = e.params as Record<string, any>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const allowed = Object.keys((e.parentSchema as Schema)?.properties ?? {});
      const near = suggest(p.additionalProperty, allowed);
      const hint = near ? `; did you mean "${near}"?` : allowed.length ? ` (expected one of: ${allowed.join(', ')})` : '';
      return { path: [...path, p.additionalProperty], key: true, error: errors.PIT_E_CONFIG_UNKNOWN_KEY(p.additionalProperty, hint) };
    }
    case 'required':
      return { path, key: true, error: errors.PIT_E_CONFIG_REQUIRED(p.missingProperty) };
    case 'type':
      return { path, error: errors.PIT_E_CONFIG_TYPE(describe({ type: p.type }), got(e.data)) };
    case 'enum':
      return { path, error: errors.PIT_E_CONFIG_ENUM(p.allowedValues, e.data) };
    case 'const':
      return { path, error: errors.PIT_E_CONFIG_ENUM([p.allowedValue], e.data) };
    case 'pattern': {
      if (e.propertyName !== undefined) {
        return {
          path: [...path, e.propertyName],
          key: true,
          error: errors.PIT_E_CONFIG_INVALID(
            e.schemaPath.includes('/envName/')
              ? `the variable name "${e.propertyName}" may hold only letters, digits and "_", and may not start with a digit`
              : `the name "${e.propertyName}" may hold only letters, digits, "_", "." and "-"`,
          ),
        };
      }
      if (e.schemaPath.includes('/duration/')) return { path, error: errors.PIT_E_CONFIG_DURATION(e.data) };
      if (e.schemaPath.includes('/size/')) return { path, error: errors.PIT_E_CONFIG_SIZE(e.data) };
      const what = (e.parentSchema as Schema)?.description?.split(/[.;]/)[0];
      return { path, error: errors.PIT_E_CONFIG_INVALID(`${JSON.stringify(e.data)} is not valid here${what ? `: ${what}` : ''}`) };
    }
    case 'minProperties':
    case 'maxProperties': {
      const keys = e.data && typeof e.data === 'object' ? Object.keys(e.data) : [];
      return {
        path,
        error: errors.PIT_E_CONFIG_INVALID(
          `must have exactly one key, like { restart: api } (got ${keys.length ? keys.join(', ') : 'none'}); write each action as its own list item`,
        ),
      };
    }
    case 'minItems':
      return { path, error: errors.PIT_E_CONFIG_INVALID(`must have at least ${p.limit} item${p.limit === 1 ? '' : 's'}`) };
    case 'minLength':
      return { path, error: errors.PIT_E_CONFIG_INVALID('must not be empty') };
    default:
      return { path, error: errors.PIT_E_CONFIG_INVALID(`${e.message ?? 'is not valid'} (got ${got(e.data)})`) };
  }
}

function resolve(s: Schema): Schema {
  if (typeof s?.$ref === 'string' && s.$ref.startsWith('#/definitions/')) {
    return resolve(pitfileSchema.definitions[s.$ref.slice('#/definitions/'.length)]);
  }
  return s;
}

function branchValidator(branch: Schema): ValidateFunction {
  const key = JSON.stringify(branch);
  let v = branchValidators.get(key);
  if (!v) {
    v = ajv.compile({ definitions: pitfileSchema.definitions, ...branch });
    branchValidators.set(key, v);
  }
  return v;
}

/** The one key a `{ required: [k] }` branch asks for, else null. */
function requiredOnly(s: Schema): string | null {
  const keys = Object.keys(s ?? {});
  return keys.length === 1 && keys[0] === 'required' && s.required.length === 1 ? s.required[0] : null;
}

function fits(s: Schema, v: unknown): boolean {
  if ('const' in s) return s.const === v;
  if (!s.type) return true;
  const types: string[] = Array.isArray(s.type) ? s.type : [s.type];
  return types.some((t) => t === jsonType(v) || (t === 'number' && jsonType(v) === 'integer'));
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

const article: Record<string, string> = {
  string: 'a string', integer: 'a whole number', number: 'a number', boolean: 'true or false',
  object: 'a map', array: 'a list', null: 'null',
};

function describe(s: Schema): string {
  if ('const' in s) return JSON.stringify(s.const);
  const types: string[] = Array.isArray(s.type) ? s.type : [s.type];
  return types
    .map((t) => {
      const items = t === 'array' ? resolve(s.items ?? {}) : null;
      return items?.type ? `a list of ${items.type}s` : (article[t] ?? t);
    })
    .join(' or ');
}

function got(v: unknown): string {
  const t = jsonType(v);
  if (t === 'object' || t === 'array') return t === 'object' ? 'a map' : 'a list';
  return `${t === 'integer' ? 'number' : t} ${JSON.stringify(v)}`;
}

const isUnder = (p: string, prefix: string) => p === prefix || p.startsWith(prefix + '/');

function pointerToPath(pointer: string): PathKey[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}
