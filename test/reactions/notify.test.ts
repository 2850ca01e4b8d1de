// notify against real local HTTP servers: a redirect is not followed, values
// filled into the URL arrive encoded, and a target that never answers times out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { notify } from '../../core/reactions/actions/notify.js';
import type { Invocation, ActionEnv } from '../../core/reactions/actions/types.js';
import type { PitEvent } from '../../core/events/catalog.js';
import { within } from '../helpers/wait.js';

interface Hit {
  url: string;
  body: string;
}

/** A server on 127.0.0.1 that records each request, then answers as `answer` says (or never). */
async function server(answer: (q: IncomingMessage, s: ServerResponse) => void): Promise<{ srv: Server; base: string; hits: Hit[] }> {
  const hits: Hit[] = [];
  const srv = createServer((q, s) => {
    let body = '';
    q.on('data', (d) => (body += d));
    q.on('end', () => {
      hits.push({ url: q.url ?? '', body });
      answer(q, s);
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return { srv, base: `http://127.0.0.1:${(srv.address() as { port: number }).port}`, hits };
}

const close = (srv: Server) => {
  srv.closeAllConnections();
  srv.close();
};

const event = { type: 'process:import-error', subject: 'api', at: 0, module: 'x' } as unknown as PitEvent;
const call = (args: unknown, match: string[] = []): Invocation => ({ reaction: { id: 'r' } as Invocation['reaction'], index: 0, args, vars: { event, match } });
const env = { pitfile: { settings: { notify: { timeoutMs: 5000, retries: 0 } } } } as unknown as ActionEnv;

test('notify does not follow a 307: the server it points to receives nothing, and the failure names the redirect', async () => {
  const second = await server((_, s) => s.end('ok'));
  const first = await server((_, s) => {
    s.writeHead(307, { location: `${second.base}/stolen` });
    s.end();
  });
  try {
    await assert.rejects(notify(call({ url: `${first.base}/hook`, retries: 2 }), env), { code: 'PIT_E_REACTION_NOTIFY_REDIRECT', message: /answered 307, a redirect to http:\/\/127\.0\.0\.1:\d+\/stolen: notify does not follow redirects/ });
    assert.equal(first.hits.length, 1, 'a redirect is not retried: retrying cannot change it');
    assert.deepEqual(second.hits, [], 'the redirect target received nothing');
  } finally {
    close(first.srv);
    close(second.srv);
  }
});

test('a value with ?&# filled into the notify URL arrives percent-encoded, in the path it was put in', async () => {
  const target = await server((_, s) => s.end('ok'));
  try {
    await notify(call({ url: `${target.base}/hook/\${match.1}?m=\${match.2}` }, ['', 'a?b=1&c#d', 'x/../y &z=#']), env);
    assert.equal(target.hits.length, 1);
    assert.equal(target.hits[0].url, '/hook/a%3Fb%3D1%26c%23d?m=x%2F..%2Fy%20%26z%3D%23');
    const query = new URL(target.hits[0].url, target.base).searchParams;
    assert.deepEqual([...query.keys()], ['m'], 'no parameter of its own');
    assert.equal(query.get('m'), 'x/../y &z=#');
  } finally {
    close(target.srv);
  }
});

test('a notify target that never answers times out, attempt after attempt, and the action fails', async () => {
  const target = await server(() => {}); // reads the request, never answers
  try {
    const started = Date.now();
    await within(assert.rejects(notify(call({ url: `${target.base}/hang`, timeout: '200ms', retries: 1 }), env), /failed after 2 attempts: no answer within 200ms/), 5000, 'notify to give up');
    assert.equal(target.hits.length, 2, 'each attempt reached the server');
    assert.ok(Date.now() - started >= 400, 'each attempt waited its timeout');
  } finally {
    close(target.srv);
  }
});
