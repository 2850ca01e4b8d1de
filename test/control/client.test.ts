// The CLI's side of the control API when the engine dies mid-request: a
// fake engine on the project's socket that accepts, then drops the
// connection (before answering, or halfway through the answer).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { makeProject } from '../helpers/project.js';
import { runEngineAsync } from '../helpers/cli.js';
import { acquireEngineLock } from '../../core/process/engine-lock.js';

/** A project whose socket is served by `onConnection`; closed after the test. */
async function fakeEngine(t: { after(fn: () => void): void }, onConnection: (s: Socket) => void): Promise<string> {
  const dir = makeProject({ 'pitfile.yaml': 'version: 1\nprocesses:\n  a: { command: [sleep, "100"] }\n' });
  mkdirSync(join(dir, '.pit'), { mode: 0o700 });
  const server = createServer(onConnection);
  await new Promise<void>((resolve) => server.listen(join(dir, '.pit', 'engine.sock'), resolve));
  t.after(() => server.close());
  return dir;
}

const assertStopped = (r: { status: number | null; stderr: string }, verb: string) => {
  assert.equal(r.status, 3, `engine ${verb}: ${r.stderr}`);
  assert.match(r.stderr, /the engine stopped while handling this .*\[PIT_E_CONTROL_ENGINE_STOPPED\]/);
  assert.match(r.stderr, /fix: .*engine status/);
  assert.doesNotMatch(r.stderr, /internal error|\n\s+at /, 'no stack trace');
};

test('an engine that drops the connection before answering: the verb says the engine stopped and exits 3', async (t) => {
  const dir = await fakeEngine(t, (s) => s.once('data', () => s.destroy()));
  for (const args of [['status'], ['restart', 'a'], ['logs', '-f', 'a']]) {
    const r = await runEngineAsync(args, dir);
    assertStopped(r, args.join(' '));
    assert.match(r.stderr, /socket hang up/);
  }
});

test('an engine that dies halfway through its answer: the verb says the engine stopped and exits 3', async (t) => {
  const dir = await fakeEngine(t, (s) =>
    s.once('data', (req) => {
      const sse = req.toString().includes('follow');
      s.write(sse ? 'HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n5\r\n: hi\n\r\n' : 'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\r\n{"processes": [');
      setImmediate(() => s.destroy());
    }),
  );
  for (const args of [['status'], ['logs', '-f', 'a']]) {
    const r = await runEngineAsync(args, dir);
    assertStopped(r, args.join(' '));
  }
});

test('a verb that arrives while the engine starts (its lock held, nothing listening yet) waits until it listens; with no engine it says so at once', async (t) => {
  const dir = makeProject({ 'pitfile.yaml': 'version: 1\nprocesses:\n  a: { command: [sleep, "100"] }\n' });
  const stateDir = join(dir, '.pit');
  mkdirSync(stateDir, { mode: 0o700 });
  const none = await runEngineAsync(['status'], dir);
  assert.equal(none.status, 3, none.stderr);
  assert.match(none.stderr, /no engine is running for this project/);

  // This test holds the lock, as an engine does from its first moment.
  const lock = acquireEngineLock(stateDir);
  t.after(() => lock.release());
  const status = runEngineAsync(['status', '--json'], dir);
  // The engine opens its API later: long after the verb first tried (a verb starts in ~0.3 s).
  await new Promise((r) => setTimeout(r, 1500));
  const server = createServer((s) => s.once('data', () => s.end('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 16\r\nconnection: close\r\n\r\n{"processes":[]}')));
  await new Promise<void>((resolve) => server.listen(join(stateDir, 'engine.sock'), resolve));
  t.after(() => server.close());
  const r = await status;
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { processes: [] });
});
