// Build step: the sections built-in plugins own (contract.ts `section`,
// python-installer's installer:) written into schemas/pitfile.schema.json,
// so editors, docs and the engine's checks read one schema while the core
// names none of them. Runs before compile-schema.ts; writes only on change.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { builtins } from '../plugins/builtins.js';

const file = fileURLToPath(new URL('../../../schemas/pitfile.schema.json', import.meta.url));
const before = readFileSync(file, 'utf8');
const schema = JSON.parse(before);
for (const { definition } of builtins()) {
  if (!definition.section) continue;
  const { key, schema: section } = definition.section;
  schema.properties[key] = { $ref: `#/definitions/${key}` };
  schema.definitions[key] = section;
}
const after = JSON.stringify(schema, null, 2) + '\n';
if (after !== before) writeFileSync(file, after);
