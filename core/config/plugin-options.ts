// The config stage for `plugins:`: each listed plugin must load as a plugin,
// and its options must match the schema it declares. Problems point at the
// pitfile's lines like any other, so `engine validate` shows them and a
// reload that would break a plugin is refused.
import { resolve } from 'node:path';
import { errors } from '../errors.js';
import { validateAgainst, type Problem } from './validate.js';

type Listed = string | { use: string; options?: Record<string, unknown> };

export async function checkPluginOptions(plugins: Listed[], root: string): Promise<Problem[]> {
  if (!plugins.length) return [];
  // Loaded only for a pitfile that lists plugins: it brings the worker pool.
  const { describePlugin, pluginPool, resolvePlugin } = await import('../plugins/describe.js');
  const problems: Problem[] = [];
  const pool = pluginPool(128);
  try {
    for (const [i, p] of plugins.entries()) {
      const written = typeof p === 'string' ? p : p.use;
      const options = typeof p === 'string' ? {} : (p.options ?? {});
      const use = /^\.\.?\//.test(written) ? resolve(root, written) : written;
      try {
        const d = await describePlugin(pool, { use: resolvePlugin(use, root), options, root, stateDir: '' });
        if (d.options) problems.push(...(await validateAgainst(d.options, options, ['plugins', i, 'options'])).problems);
      } catch (e) {
        problems.push({ path: typeof p === 'string' ? ['plugins', i] : ['plugins', i, 'use'], error: errors.PIT_E_CONFIG_PLUGIN(written, (e as Error).message) });
      }
    }
  } finally {
    await pool.destroy();
  }
  return problems;
}
