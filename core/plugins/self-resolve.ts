// Lets a plugin `import { definePlugin } from 'pitengine'` in a project that
// has no local install of Pit (Pit installed globally, or run with npx): the
// import resolves to the engine that is loading the plugin. A project's own
// node_modules/pitengine still wins.
import { createRequire, register } from 'node:module';

const isPit = (specifier: string) => specifier === 'pitengine' || specifier.startsWith('pitengine/');

type Next = (specifier: string, context: { parentURL?: string }) => Promise<unknown>;

/** The module-resolution hook (runs on Node's loader thread). */
export async function resolve(specifier: string, context: { parentURL?: string }, next: Next): Promise<unknown> {
  if (!isPit(specifier)) return next(specifier, context);
  try {
    return await next(specifier, context);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw e;
    // From inside the engine's own package, 'pitengine' is a self-reference.
    return next(specifier, { ...context, parentURL: import.meta.url });
  }
}

let registered = false;

/**
 * Installs the hook in this thread when the plugin at `file` could not find
 * 'pitengine' by itself. Only then: a hook costs Node a loader thread.
 */
export function letPluginFindPit(file: string): void {
  if (registered) return;
  try {
    createRequire(file).resolve('pitengine/package.json');
  } catch {
    register('./self-resolve.js', import.meta.url);
    registered = true;
  }
}
