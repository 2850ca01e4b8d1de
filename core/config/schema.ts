// The pitfile's JSON Schema, as shipped in schemas/, and how it is checked.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

type Schema = Record<string, any>;

/** schemas/pitfile.schema.json, the truth about the pitfile's shape and defaults. */
export const pitfileSchema: Schema = JSON.parse(readFileSync(new URL('../../../schemas/pitfile.schema.json', import.meta.url), 'utf8'));

/**
 * The pitfile's top-level keys the core reads. Every other key of the
 * schema is a section a built-in plugin owns (contract.ts `section`),
 * written into the schema by the build (compose-schema.ts).
 */
export const CORE_SECTIONS: readonly string[] = ['version', 'processes', 'watchers', 'reactions', 'heartbeat', 'plugins', 'export', 'settings'];

/** The top-level keys built-in plugins own (installer). */
export const pluginSectionKeys = (): string[] => Object.keys(pitfileSchema.properties).filter((k) => !CORE_SECTIONS.includes(k));

/** ajv settings shared by the ahead-of-time check and the explaining validator. */
export const ajvOptions = { strict: true, strictRequired: false, allowUnionTypes: true } as const;

/** Where the build writes the precompiled check (see compile-schema.ts). */
export const FAST_CHECK_FILE = fileURLToPath(new URL('./pitfile-check.cjs', import.meta.url));
