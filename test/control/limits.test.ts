// The control API cannot be used to exhaust the engine's memory: a logs
// request naming a process 1,500 times reads it once, an answer holds at
// most LOGS_MAX_BYTES, and event streams are capped for the whole engine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { until } from '../helpers/wait.js';
import { makeProject } from '../helpers/project.js';
import { runEngineProcess } from '../helpers/engine-process.js';
import { request } from '../helpers/http.js';
import { LOGS_MAX_BYTES } from '../../core/control/routes/logs.js';
import { MAX_STREAMS } from '../../core/control/sse.js';

async function engineWith(processes: string) {
  const dir = makeProject({ 'pitfile.yaml': `version: 1\nprocesses:\n${processes}` });
  const engine = runEngineProcess(dir);
  await engine.waitFor(/listening on/, 60_000);
  const socketPath = join(dir, '.pit', 'engine.sock');
  return { dir, engine, get: (path: string) => request(`http://pit${path}`, { socketPath }), socketPath };
}

/** The last 4 KiB of a file. */
function tail(file: string): string {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const buf = Buffer.alloc(Math.min(4096, size));
    readSync(fd, buf, 0, buf.length, size - buf.length);
    return buf.toString('utf8');
  } finally {
    closeSync(fd);
  }
}

test('a logs request naming one process 1,500 times reads it once', async () => {
  const { engine, get } = await engineWith('  a: { command: ["node", "-e", "for (let i = 0; i < 50; i++) console.log(\\"line \\" + i); setInterval(() => {}, 1000)"] }\n');
  await engine.waitFor(/line 49/);
  const r = await get(`/v1/logs?${Array.from({ length: 1500 }, () => 'process=a').join('&')}&lines=1000`);
  assert.equal(r.status, 200, r.body);
  const lines = JSON.parse(r.body).lines as { line: string }[];
  assert.equal(lines.length, 50);
  assert.equal(new Set(lines.map((l) => l.line)).size, 50);
});

test('a logs answer holds at most LOGS_MAX_BYTES, the newest lines, and says it left the rest out', async () => {
  const { dir, get } = await engineWith(
    // One log file, no rotation: the answer's limit is what cuts.
    '  big: { command: ["node", "-e", "const s = \\"x\\".repeat(1000); for (let i = 0; i < 12000; i++) console.log(i + \\" \\" + s); console.log(\\"done\\"); setInterval(() => {}, 1000)"], logs: { max_size: 100MB } }\n',
  );
  // Awaited in the log file's tail: matching the engine's 12 MB of output on every chunk would take minutes.
  const log = join(dir, '.pit', 'logs', 'big.log');
  await until(() => existsSync(log) && tail(log).includes(' done\n'), 60_000, 'the last line in big.log');
  const r = await get('/v1/logs?process=big&lines=100000');
  const body = JSON.parse(r.body) as { lines: { line: string }[]; truncated?: boolean };
  assert.equal(body.truncated, true);
  assert.ok(r.body.length <= LOGS_MAX_BYTES * 1.2, `${r.body.length} bytes`);
  assert.equal(body.lines.at(-1)!.line, 'done', 'the newest lines are kept');
  const small = JSON.parse((await get('/v1/logs?process=big&lines=10')).body);
  assert.equal(small.truncated, undefined);
});

test('event streams are capped for the whole engine; one closed makes room for the next', async () => {
  const { socketPath } = await engineWith('  a: { command: ["node", "-e", "setInterval(() => {}, 1000)"] }\n');
  const open = () =>
    new Promise<{ status: number; close(): void; body: Promise<string> }>((resolve, reject) => {
      const req = httpRequest({ socketPath, path: '/v1/events/stream?type=*:*', headers: { accept: 'text/event-stream' } }, (res) => {
        let body = '';
        const done = new Promise<string>((r) => res.on('end', () => r(body)).on('close', () => r(body)));
        res.setEncoding('utf8').on('data', (d: string) => (body += d));
        resolve({ status: res.statusCode!, close: () => req.destroy(), body: done });
      });
      req.on('error', reject).end();
    });
  const streams = [];
  for (let i = 0; i < MAX_STREAMS; i++) streams.push(await open());
  assert.ok(streams.every((s) => s.status === 200));
  const refused = await open();
  assert.equal(refused.status, 503);
  assert.match(await refused.body, /PIT_E_CONTROL_STREAMS/);
  streams.pop()!.close();
  // The server hears the close on its next turn; a new stream is admitted once it has.
  let again = await open();
  for (let i = 0; again.status !== 200 && i < 50; i++) again = await open();
  assert.equal(again.status, 200);
  for (const s of [...streams, again]) s.close();
});
