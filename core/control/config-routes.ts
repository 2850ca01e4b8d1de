// The pitfile as text, for editing it from the dashboard: read it, check an
// edit with the engine's own loader (every problem with line and column),
// and save it, refused when invalid. The saved text is exactly what was
// typed, so comments and layout stay; the engine's hot reload applies it.
import { readFileSync } from 'node:fs';
import writeFileAtomic from 'write-file-atomic';
import type { Engine } from '../engine.js';
import { PitfileError } from '../errors.js';
import { badRequest, sendJson, type Api } from './http.js';
import { loadPitfile } from '../config/load.js';

type Problem = ReturnType<import('../errors.js').PitError['toJSON']>;

/** Every problem of `text` as the pitfile of `engine`; [] when it is valid. */
async function check(engine: Engine, text: string): Promise<Problem[]> {
  try {
    await loadPitfile({ config: engine.pitfile.file, texts: new Map([[engine.pitfile.file, text]]) });
    return [];
  } catch (e) {
    if (e instanceof PitfileError) return e.errors.map((x) => x.toJSON());
    throw e;
  }
}

export function registerConfigRoutes(app: Api, engine: Engine): void {
  app.get('/v1/config/source', async () => ({ file: engine.pitfile.file, text: readFileSync(engine.pitfile.file, 'utf8') }));

  app.post('/v1/config/validate', async (req) => ({ errors: await check(engine, textOf(req.body)) }));

  app.put('/v1/config/source', async (req, res) => {
    const text = textOf(req.body);
    const problems = await check(engine, text);
    if (problems.length) return sendJson(res, 422, { saved: false, errors: problems });
    await writeFileAtomic(engine.pitfile.file, text);
    return { saved: true, errors: [] };
  });
}

function textOf(body: unknown): string {
  const text = (body as { text?: unknown } | null | undefined)?.text;
  if (typeof text !== 'string') throw badRequest('send {"text": "<the pitfile>"}');
  return text;
}
