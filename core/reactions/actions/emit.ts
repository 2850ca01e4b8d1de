// emit: publish an event a reaction makes up ("deploy:api:done"), as a
// custom:event; the names the catalogue declares are not for making up.
import { parsePattern } from '../../events/match.js';
import { fill } from '../conditions.js';
import type { ActionHandler } from './types.js';
import { withArgs } from './args.js';
import { reactionReason } from '../../events/cause.js';
import { isEventType } from '../../events/catalog.js';
import { errors } from '../../errors.js';

export const emit: ActionHandler = withArgs('emit', async (call, env) => {
  const spec = call.args;
  const name = fill(spec.event, call.vars);
  const parsed = parsePattern(name);
  if ('error' in parsed || parsed.segments.includes('*')) throw errors.PIT_E_REACTION_EMIT(name, 'an event name is kind:subject:what without *');
  // A subscriber of process:*:exit gets process:exit events only (EventMatching): a made-up event cannot take a declared name.
  const [kind, , what] = parsed.segments;
  if (isEventType(`${kind}:${what}`)) throw errors.PIT_E_REACTION_EMIT(name, `${kind}:${what} is one of Pit's own events`);
  env.bus.publish('custom:event', parsed.segments[1], { name, data: fill(spec.data, call.vars), cause: call.ran?.id ?? call.vars.event.id, reason: reactionReason(call.reaction, call.vars.event) });
});
