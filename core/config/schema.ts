// The pitfile's JSON Schema, as shipped in schemas/, and how it is checked.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

type Schema = Record<string, any>;

/** schemas/pitfile.schema.json, the truth about the pitfile's shape and defaults. */
export const pitfileSchema: Schema = JSON.parse(readFileSync(new URL('../../../schemas/pitfile.schema.json', import.meta.url), 'utf8'));

/** ajv settings shared by the ahead-of-time check and the explaining validator. */
export const ajvOptions = { strict: true, strictRequired: false, allowUnionTypes: true } as const;

/** Where the build writes the precompiled check (see compile-schema.ts). */
export const FAST_CHECK_FILE = fileURLToPath(new URL('./pitfile-check.cjs', import.meta.url));
