// settings.metrics.listen: /metrics alone on a TCP port for a Prometheus
// that cannot reach the socket; a port already taken costs only that.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { makeProject } from '../helpers/project.js';
import { runEngineProcess } from '../helpers/engine-process.js';
import { freePort } from '../helpers/port.js';
import { request } from '../helpers/http.js';

const idle = '["node", "-e", "setInterval(() => {}, 1000)"]';

test('settings.metrics.listen serves /metrics on 127.0.0.1 and nothing else', async () => {
  const port = await freePort();
  const dir = makeProject({ 'pitfile.yaml': `version: 1\nsettings: { metrics: { listen: "127.0.0.1:${port}" } }\nprocesses:\n  a: { command: ${idle} }\n` });
  const engine = runEngineProcess(dir);
  await engine.waitFor(new RegExp(`metrics on http://127\\.0\\.0\\.1:${port}/metrics`));
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  assert.equal(res.status, 200);
  assert.match(await res.text(), /^pit_process_up\{process="a"\} 1$/m);
  assert.equal((await fetch(`http://127.0.0.1:${port}/v1/processes`)).status, 404, 'the control API stays on the socket');
  // A DNS-rebinding page reaches the port under its own name: refused.
  assert.equal((await request(`http://127.0.0.1:${port}/metrics`, { headers: { host: `evil.example:${port}` } })).status, 421);
  assert.equal((await request(`http://127.0.0.1:${port}/metrics`, { headers: { host: `localhost:${port}` } })).status, 200);
});

test('a metrics port already taken is reported and the engine supervises on', async () => {
  const taken = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => taken.once('listening', r));
  const port = (taken.address() as { port: number }).port;
  const dir = makeProject({ 'pitfile.yaml': `version: 1\nsettings: { metrics: { listen: "127.0.0.1:${port}" } }\nprocesses:\n  a: { command: ${idle} }\n` });
  const engine = runEngineProcess(dir);
  await engine.waitFor(/metrics: cannot listen on 127\.0\.0\.1:\d+ \(EADDRINUSE\); \/metrics stays on the socket/);
  await engine.waitFor(/a running/);
  taken.close();
});
