// emit: publish an event a reaction makes up ("deploy:api:done").
import { parsePattern } from '../../events/match.js';
import { fill } from '../conditions.js';
import type { ActionHandler } from './types.js';
import { reactionReason } from '../../events/cause.js';

export const emit: ActionHandler = async (call, env) => {
  const spec = typeof call.args === 'string' ? { event: call.args, data: {} } : (call.args as { event: string; data?: Record<string, unknown> });
  const name = fill(spec.event, call.vars);
  const parsed = parsePattern(name);
  if ('error' in parsed || parsed.segments.includes('*')) throw new Error(`cannot emit "${name}": an event name is kind:subject:what without *`);
  env.bus.publish('custom:event', parsed.segments[1], { name, data: fill(spec.data ?? {}, call.vars), cause: call.ran?.id ?? call.vars.event.id, reason: reactionReason(call.reaction, call.vars.event) });
};
