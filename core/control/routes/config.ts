// /v1/config and /v1/reload: the pitfile as the engine runs it (redacted),
// and a reload of it. Then the pitfile as text, for editing it from the
// dashboard: read it, check an edit with the engine's own loader (every
// problem with line and column), and save it, refused when invalid. The
// saved text is exactly what was typed, so comments and layout stay; the
// engine's hot reload applies it. A check also says what a save would
// change (processes added, removed, changed and in which keys), so the page
// can show it before applying.
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import writeFileAtomic from 'write-file-atomic';
import type { Engine } from '../../engine.js';
import { PitfileError, errors } from '../../errors.js';
import { badRequest, sendError, sendJson, type Api } from '../http.js';
import { loadPitfile } from '../../config/load.js';
import { changedKeys } from '../../config/changed-keys.js';
import { redactPitfile } from '../../config/redact.js';
import { personReason } from '../../events/cause.js';
import type { Pitfile } from '../../model/pitfile.js';
import type { ControlDeps } from './deps.js';
import { viaOf } from './params.js';

type Problem = ReturnType<import('../../errors.js').PitError['toJSON']>;

/** What saving a valid text would change in the processes the engine runs. */
interface Changes {
  added: string[];
  removed: string[];
  changed: { name: string; keys: string[] }[];
}

/** Every problem of `text` as the pitfile of `engine` ([] when it is valid), and when valid what it changes. */
async function check(engine: Engine, text: string): Promise<{ errors: Problem[]; changes?: Changes }> {
  try {
    const { pitfile } = await loadPitfile({ config: engine.pitfile.file, texts: new Map([[engine.pitfile.file, text]]) });
    return { errors: [], changes: changesTo(engine.pitfile, pitfile) };
  } catch (e) {
    if (e instanceof PitfileError) return { errors: e.errors.map((x) => x.toJSON()) };
    throw e;
  }
}

/** The processes `next` adds, removes and changes (with the keys, as written) against `now`, as a reload would. */
function changesTo(now: Pitfile, next: Pitfile): Changes {
  const [before, after] = [now.processes, next.processes];
  return {
    added: Object.keys(after).filter((n) => !(n in before)),
    removed: Object.keys(before).filter((n) => !(n in after)),
    changed: Object.keys(after)
      .filter((n) => n in before && !isDeepStrictEqual(before[n], after[n]))
      .map((name) => ({ name, keys: changedKeys(`processes.${name}`, before[name], after[name]) })),
  };
}

export function registerConfigRoutes(app: Api, { engine }: ControlDeps): void {
  // Index URLs may carry a token: shown without it.
  app.get('/v1/config', async () => redactPitfile(engine.pitfile));

  app.post('/v1/reload', async (req, res) => {
    const outcome = await engine.reload({ reason: personReason('reload', viaOf((req.body as { via?: unknown } | null | undefined)?.via)) });
    if ('errors' in outcome) {
      const e = errors.PIT_E_CONFIG_INVALID(`the pitfile has ${outcome.errors.length} problem${outcome.errors.length === 1 ? '' : 's'}; the engine keeps its running config`);
      return sendError(res, 422, e, { errors: outcome.errors });
    }
    return { ...outcome.diff, restart_needed: engine.restartNeeded() };
  });

  app.get('/v1/config/source', async () => ({ file: engine.pitfile.file, text: readFileSync(engine.pitfile.file, 'utf8') }));

  app.post('/v1/config/validate', async (req) => check(engine, textOf(req.body)));

  app.put('/v1/config/source', async (req, res) => {
    const text = textOf(req.body);
    const problems = (await check(engine, text)).errors;
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
