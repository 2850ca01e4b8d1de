// /v1/scale (engine scale api 5): start or stop replicas; the count holds
// until the pitfile's replicas changes.
import { PitError } from '../../errors.js';
import { personReason } from '../../events/cause.js';
import { badRequest, withStatus, type Api } from '../http.js';
import type { ControlDeps } from './deps.js';
import { viaOf } from './params.js';

export function registerScaleRoutes(app: Api, { engine }: ControlDeps): void {
  app.post('/v1/scale', async (req) => {
    const body = req.body as { name?: unknown; replicas?: unknown; via?: unknown } | null | undefined;
    if (typeof body?.name !== 'string' || typeof body.replicas !== 'number') throw badRequest('the body must be {"name": "api", "replicas": 3}');
    let diff;
    try {
      diff = await engine.scale(body.name, body.replicas, { reason: personReason('scale', viaOf(body.via)) });
    } catch (e) {
      if (e instanceof PitError && e.code === 'PIT_E_PROCESS_SCALE') throw withStatus(e, 400);
      throw e;
    }
    const g = engine.pitfile.replicas[body.name];
    return { name: body.name, replicas: g.count, pitfile: g.written, started: diff.added, stopped: diff.removed };
  });
}
