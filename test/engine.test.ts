import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startEngine, nodeCommand } from './helpers/engine.js';
import { freePort } from './helpers/port.js';
import type { PitEvent } from '../core/events/catalog.js';

const record = (events: PitEvent[]) => (e: PitEvent) => events.push(e);
const indexOf = (events: PitEvent[], name: string, what: (e: PitEvent) => boolean) =>
  events.findIndex((e) => e.subject === name && what(e));

test('depends_on starts a process only after its dependency is healthy, or completed', async () => {
  const port = await freePort();
  const server = `setTimeout(() => require('http').createServer((q, s) => s.end('ok')).listen(${port}, '127.0.0.1'), 300)`;
  const events: PitEvent[] = [];
  const { engine } = await startEngine(
    `version: 1
processes:
  db:
    command: ${nodeCommand(server)}
    health: { http: "http://127.0.0.1:${port}/", interval: 200ms }
  migrate:
    command: ${nodeCommand('setTimeout(() => process.exit(0), 300)')}
    restart: { policy: never }
  api:
    command: ${nodeCommand('setInterval(() => {}, 1000)')}
    depends_on: { db: healthy, migrate: completed }
`,
  );
  engine.bus.on('process:*', record(events));
  await engine.bus.next('process:api:state', { where: (e) => e.type === 'process:state' && e.to === 'running', withinMs: 15_000 });
  const healthy = indexOf(events, 'db', (e) => e.type === 'process:healthy');
  const completed = indexOf(events, 'migrate', (e) => e.type === 'process:state' && e.to === 'exited' && e.exit_code === 0);
  const apiStart = indexOf(events, 'api', (e) => e.type === 'process:state' && e.to === 'starting');
  assert.ok(healthy >= 0 && completed >= 0, 'db healthy and migrate completed were seen');
  assert.ok(apiStart > healthy && apiStart > completed, 'api started after both');
});

test('independent processes start in parallel and stop in reverse dependency order', async () => {
  const events: PitEvent[] = [];
  const idle = nodeCommand('setInterval(() => {}, 1000)');
  const { engine } = await startEngine(
    `version: 1\nprocesses:\n  db: { command: ${idle} }\n  cache: { command: ${idle} }\n  api: { command: ${idle}, depends_on: [db, cache] }\n`,
  );
  engine.bus.on('process:*:state', record(events));
  await engine.bus.next('process:api:state', { where: (e) => e.type === 'process:state' && e.to === 'running' });
  assert.ok(await engine.stop(), 'stopped cleanly');
  const stopped = (n: string) => indexOf(events, n, (e) => e.type === 'process:state' && e.to === 'stopped');
  const stopping = (n: string) => indexOf(events, n, (e) => e.type === 'process:state' && e.to === 'stopping');
  assert.ok(stopping('db') > stopped('api') && stopping('cache') > stopped('api'), 'dependencies stop after their dependents');
});

test('settings.shutdown_timeout bounds the whole stop: a child with a longer stop.timeout is killed at it', async () => {
  const stubborn = nodeCommand("process.on('SIGTERM', () => {}); console.log('ready'); setInterval(() => {}, 1000)");
  const { engine, line } = await startEngine(
    `version: 1\nsettings: { shutdown_timeout: 1s }\nprocesses:\n  stubborn: { command: ${stubborn}, stop: { timeout: 60s } }\n`,
  );
  await line('stubborn', /ready/);
  const started = Date.now();
  const clean = await engine.stop();
  const took = Date.now() - started;
  assert.equal(clean, false, 'a stop that had to kill is not clean');
  assert.equal(engine.supervisors.get('stubborn')!.lastExit?.signal, 'SIGKILL');
  assert.ok(took >= 900 && took < 10_000, `stop took ${took} ms`);
});
