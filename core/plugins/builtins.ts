// The plugins Pit ships. The core finds their list by path where the package
// puts it (plugins/builtins.js), as it finds a team's plugin by its path; it
// imports none of them, names none, and learns what each adds (when it turns
// on, its short action names, CLI verbs, doctor checks, status lines, API
// routes) from the contract (contract.ts). Loaded once, at import: they are
// trusted code, and a verb's help must be built synchronously.
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import type { Pitfile, PluginRef } from '../model/pitfile.js';
import type { BuiltinPlugin } from './contract.js';

const shippedDir = fileURLToPath(new URL('../../plugins/', import.meta.url));
const shipped: readonly BuiltinPlugin[] = (await import(pathToFileURL(join(shippedDir, 'builtins.js')).href)).default;

/** Every built-in plugin, in load order. */
export const builtins = (): readonly BuiltinPlugin[] => shipped;

/** Whether a resolved plugin path is one of Pit's own. */
export const isBuiltin = (path: string) => path.startsWith(shippedDir);

/** Test plugins that count as built-in (they share the built-ins' worker): addBuiltinForTests. */
const forTests: BuiltinPlugin[] = [];

/**
 * For tests only: count a test plugin as one of Pit's own, so a test can
 * make a built-in hang or report its thread. Returns the undo.
 */
export function addBuiltinForTests(plugin: BuiltinPlugin): () => void {
  forTests.push(plugin);
  return () => void forTests.splice(forTests.indexOf(plugin), 1);
}

/** The built-ins `pitfile` turns on, with their options (each one's activate). */
export function builtinPlugins(pitfile: Pitfile): PluginRef[] {
  return [...shipped, ...forTests].flatMap(({ use, definition }) => {
    const options = definition.activate?.(pitfile);
    return options ? [{ use, options }] : [];
  });
}

/** The full name of an action a reaction may write bare ({ install: {} } is python-installer.install), else `name`. */
export function qualifiedAction(name: string): string {
  const owner = shipped.find((b) => b.definition.shortActions?.includes(name));
  return owner ? `${owner.definition.name}.${name}` : name;
}
