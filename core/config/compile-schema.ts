// Build step: the pitfile schema compiled ahead of time into a plain
// validation function (ajv's standalone code), so `engine run` starts
// without compiling the schema (about 100 ms) or even loading ajv. ajv is
// loaded only when a pitfile is invalid, to explain why.
import { writeFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import standalone from 'ajv/dist/standalone/index.js';
import { pitfileSchema, ajvOptions, FAST_CHECK_FILE } from './schema.js';

const ajv = new Ajv({ ...ajvOptions, verbose: false, allErrors: false, code: { source: true } });
// A CommonJS module seen from ESM: the function is its default export's default.
const standaloneCode = (standalone as unknown as { default: typeof standalone.default }).default;
writeFileSync(FAST_CHECK_FILE, standaloneCode(ajv, ajv.compile(pitfileSchema)));
