// notify: POST the event as JSON to a URL, with a timeout per attempt and
// retries with a growing pause, so a hung endpoint cannot hold a reaction.
import { fill } from '../conditions.js';
import { parseDuration } from '../../model/units.js';
import type { ActionHandler } from './types.js';

interface NotifySpec {
  url: string;
  timeout?: string;
  retries?: number;
  headers?: Record<string, string>;
}

export const notify: ActionHandler = async (call, env) => {
  const spec: NotifySpec = typeof call.args === 'string' ? { url: call.args } : (call.args as NotifySpec);
  const defaults = env.pitfile.settings.notify;
  const timeoutMs = spec.timeout ? parseDuration(spec.timeout)! : defaults.timeoutMs;
  const retries = spec.retries ?? defaults.retries;
  const url = fill(spec.url, call.vars);
  const body = JSON.stringify({ reaction: call.reaction.id, event: call.vars.event });
  let last = '';
  for (let attempt = 0; attempt <= retries; attempt++) {
    if (attempt) await new Promise((r) => setTimeout(r, 200 * 2 ** (attempt - 1)));
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...fill(spec.headers ?? {}, call.vars) },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      await res.body?.cancel();
      if (res.ok) return;
      last = `answered ${res.status}`;
    } catch (e) {
      last = (e as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs}ms` : (e as Error).message;
    }
  }
  throw new Error(`POST ${url} failed after ${retries + 1} attempt${retries ? 's' : ''}: ${last}`);
};
