// notify: POST the event as JSON to a URL, with a timeout per attempt and
// retries with a growing pause, so a hung endpoint cannot hold a reaction.
// Values filled into the URL are percent-encoded (a log line cannot add a
// path, query or fragment), and a redirect is an answer, never followed:
// the event would otherwise go wherever the first server points, https or not.
import { fill } from '../conditions.js';
import { parseDuration } from '../../model/units.js';
import type { ActionHandler } from './types.js';
import { withArgs } from './args.js';
import { errors } from '../../errors.js';

export const notify: ActionHandler = withArgs('notify', async (call, env) => {
  const spec = call.args;
  const defaults = env.pitfile.settings.notify;
  const timeoutMs = spec.timeout ? parseDuration(spec.timeout)! : defaults.timeoutMs;
  const retries = spec.retries ?? defaults.retries;
  const url = fill(spec.url, call.vars, encodeURIComponent);
  const body = JSON.stringify({ reaction: call.reaction.id, event: call.vars.event });
  let last = '';
  for (let attempt = 0; attempt <= retries; attempt++) {
    if (attempt) await new Promise((r) => setTimeout(r, 200 * 2 ** (attempt - 1)));
    const outcome = await post(url, { 'content-type': 'application/json', ...fill(spec.headers ?? {}, call.vars) }, body, timeoutMs);
    if (outcome === 'ok') return;
    if (outcome.final) throw errors.PIT_E_REACTION_NOTIFY_REDIRECT(url, outcome.final.status, outcome.final.location);
    last = outcome.retry ?? '';
  }
  throw errors.PIT_E_REACTION_NOTIFY(url, retries + 1, last);
});

/** One attempt: 'ok', a failure worth retrying, or one that a retry cannot change (a redirect). */
async function post(url: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<'ok' | { retry: string; final?: undefined } | { retry?: undefined; final: { status: number; location: string } }> {
  try {
    const res = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    await res.body?.cancel();
    if (res.ok) return 'ok';
    if (res.status >= 300 && res.status < 400) {
      return { final: { status: res.status, location: res.headers.get('location') ?? '(no Location)' } };
    }
    return { retry: `answered ${res.status}` };
  } catch (e) {
    return { retry: (e as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs}ms` : (e as Error).message };
  }
}
