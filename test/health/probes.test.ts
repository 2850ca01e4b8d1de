import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { probe } from '../../core/health/probes.js';
import { freePort } from '../helpers/port.js';

const ctx = { timeoutMs: 1000, cwd: process.cwd(), env: process.env };

test('http is healthy on 2xx and not on 500 or when refused', async () => {
  const srv = createServer((q, s) => {
    s.statusCode = q.url === '/ok' ? 204 : 500;
    s.end();
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  try {
    assert.equal(await probe({ kind: 'http', url: `http://127.0.0.1:${port}/ok` }, ctx), null);
    assert.match((await probe({ kind: 'http', url: `http://127.0.0.1:${port}/bad` }, ctx))!, /answered 500/);
  } finally {
    srv.close();
  }
  assert.match((await probe({ kind: 'http', url: `http://127.0.0.1:${await freePort()}/` }, ctx))!, /ECONNREFUSED/);
});

test('tcp is healthy when a connection opens', async () => {
  const srv = createTcpServer((s) => s.end());
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  try {
    assert.equal(await probe({ kind: 'tcp', host: '127.0.0.1', port }, ctx), null);
  } finally {
    srv.close();
  }
  assert.notEqual(await probe({ kind: 'tcp', host: '127.0.0.1', port: await freePort() }, ctx), null);
});

test('exec is healthy on exit 0, and a hung probe fails at its timeout', async () => {
  assert.equal(await probe({ kind: 'exec', command: 'exit 0' }, ctx), null);
  assert.match((await probe({ kind: 'exec', command: ['sh', '-c', 'exit 3'] }, ctx))!, /exited with 3/);
  const started = Date.now();
  assert.match((await probe({ kind: 'exec', command: 'sleep 30' }, { ...ctx, timeoutMs: 300 }))!, /longer than 300ms/);
  assert.ok(Date.now() - started < 5000);
});
