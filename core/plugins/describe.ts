// A plugin's self-description (name, options schema, events, actions), read
// in a worker thread so that loading a team's module never runs its code in
// the engine's own thread. The config stage uses it to check plugin options
// where they are written; the host uses it before it sets a plugin up.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, join } from 'node:path';
import Tinypool from 'tinypool';
import type { Outcome, Task } from './worker.js';
import { PLUGIN_API_VERSION } from './contract.js';

export type Description = NonNullable<Outcome['describe']>;

/** Describing a plugin (loading its module) may take this long. */
export const DESCRIBE_TIMEOUT_MS = 5000;

/** A pool of one worker thread, its heap capped, for one plugin or `plugins` sharing it (their calls side by side). */
export function pluginPool(heapMb: number, plugins = 1): Tinypool {
  return new Tinypool({
    filename: new URL('./worker.js', import.meta.url).href,
    minThreads: 1,
    maxThreads: 1,
    concurrentTasksPerWorker: plugins,
    isolateWorkers: false,
    resourceLimits: { maxOldGenerationSizeMb: heapMb },
  });
}

/** A package name resolves from the project (the pitfile's directory), not from Pit's own install. */
export function resolvePlugin(use: string, root: string): string {
  if (isAbsolute(use)) {
    if (!existsSync(use)) throw new Error(`no such file: ${use}`);
    return use;
  }
  try {
    return createRequire(join(root, 'package.json')).resolve(use);
  } catch {
    throw new Error(`cannot find plugin "${use}" from ${root}: install it (npm install ${use}) or give a path starting with ./`);
  }
}

/** Load `use` in `pool`'s worker and return what it says of itself; throws why it is not a usable plugin. */
export async function describePlugin(pool: Tinypool, task: Omit<Task, 'hook'>): Promise<Description> {
  return descriptionOf(await pool.run({ ...task, hook: 'describe' } satisfies Task, { signal: AbortSignal.timeout(DESCRIBE_TIMEOUT_MS) }));
}

/** What a describe call answered; throws why it is not a usable plugin. */
export function descriptionOf(out: Outcome): Description {
  const d = out.describe!;
  if (d.apiVersion !== PLUGIN_API_VERSION) throw new Error(`written for plugin API ${d.apiVersion}; this engine speaks ${PLUGIN_API_VERSION}`);
  return d;
}
