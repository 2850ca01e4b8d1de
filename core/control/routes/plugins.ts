// The built-in plugins' endpoints (python-installer: POST
// /v1/installs/:id/approve), as each plugin declares them.
import { builtins } from '../../plugins/builtins.js';
import { PitError } from '../../errors.js';
import { badRequest, withStatus, type Api } from '../http.js';
import type { ControlDeps } from './deps.js';

/** Each declared route runs its plugin's handler; a throw answers 400. */
export function registerPluginRoutes(app: Api, { engine }: ControlDeps): void {
  for (const { definition: plugin } of builtins()) {
    const asked = { runAction: (action: string, args: unknown) => engine.runAction(`${plugin.name}.${action}`, args) };
    for (const route of plugin.routes ?? []) {
      app[route.method === 'GET' ? 'get' : 'post'](route.path, async (req) => {
        try {
          return await route.handle({ params: req.params, body: req.body }, asked);
        } catch (e) {
          throw e instanceof PitError ? withStatus(e, 400) : badRequest((e as Error).message);
        }
      });
    }
  }
}
