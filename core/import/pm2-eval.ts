// Runs in a child Node process started by pm2-load.ts, never in the engine:
// loads a JS ecosystem file as PM2 does (require for CommonJS, import for
// ESM) and writes its export as JSON to fd 3. Whatever the file prints goes
// to stdout/stderr, which the parent does not read as the result.
import { writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const file = process.argv[2];

async function load(): Promise<unknown> {
  if (!file.endsWith('.mjs')) {
    try {
      return createRequire(file)(file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ERR_REQUIRE_ESM') throw e;
    }
  }
  const m = (await import(pathToFileURL(file).href)) as { default?: unknown };
  return m.default ?? m;
}

try {
  const exported = await load();
  writeSync(3, JSON.stringify({ ok: exported ?? null }));
} catch (e) {
  writeSync(3, JSON.stringify({ error: (e as Error)?.message ?? String(e) }));
}
process.exit(0);
