import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEngine, nodeCommand } from '../helpers/engine.js';
import { fixture } from '../helpers/paths.js';
import { PLUGIN_LIMITS } from '../../core/plugins/host.js';

PLUGIN_LIMITS.callTimeoutMs = 1000; // a hung call is ended sooner in tests

const idle = nodeCommand('setInterval(() => {}, 1000)');
const plugins = (options = '{ greeting: hello }') => `plugins:\n  - { use: ${JSON.stringify(fixture('plugins', 'echo.mjs'))}, options: ${options} }\n`;

test('a user plugin receives events, emits one, and its action runs from a reaction', async () => {
  const { engine, notes } = await startEngine(
    `version: 1
${plugins()}processes:
  job: { command: ${nodeCommand('process.exit(4)')}, restart: { policy: never } }
reactions:
  - on: echo:job:seen
    do: [{ echo.say: { text: "\${event.data.code}" } }]
`,
  );
  const seen = await engine.bus.next('echo:job:seen');
  assert.ok(seen.type === 'custom:event');
  assert.deepEqual(seen.data, { greeting: 'hello', code: 4 });
  const said = await engine.bus.next('echo:action:said');
  assert.ok(said.type === 'custom:event');
  assert.deepEqual(said.data, { text: '4' });
  assert.ok(notes.includes('echo: saying 4'));
});

test('a plugin that hangs is ended, reported, and set up again in a new worker; processes are untouched', async () => {
  const { engine, dir } = await startEngine(
    `version: 1
${plugins()}processes:
  app: { command: ${idle} }
watchers:
  tick: { cron: "* * * * * *" }
reactions:
  - id: hang
    on: cron:tick
    do: [{ echo.hang: {} }]
`,
  );
  await engine.bus.next('process:app:state', { where: (e) => e.type === 'process:state' && e.to === 'running' });
  const pid = engine.supervisors.get('app')!.pid;
  const err = await engine.bus.next('plugin:echo:error', { withinMs: 10_000 });
  assert.ok(err.type === 'plugin:error');
  assert.match(err.message, /did not finish within 1000ms/);
  // The next call runs in a fresh worker, set up again.
  await engine.bus.next('plugin:echo:error', { withinMs: 10_000 });
  assert.ok(readFileSync(join(dir, '.pit', 'echo-setups'), 'utf8').split('\n').filter(Boolean).length >= 2);
  assert.equal(engine.supervisors.get('app')!.pid, pid);
  assert.equal(engine.supervisors.get('app')!.state, 'running');
});

test('a plugin that throws is reported; after five failures in a minute it is disabled', async () => {
  const { engine, events } = await startEngine(
    `version: 1
${plugins()}processes:
  app: { command: ${idle} }
reactions:
  - on: boom:go
    do: [{ echo.boom: {} }]
`,
  );
  for (let i = 0; i < 5; i++) engine.bus.publish('custom:event', 'go', { name: 'boom:go:now', data: {} });
  await engine.bus.next('plugin:echo:disabled', { withinMs: 10_000 });
  const errors = events.filter((e) => e.type === 'plugin:error');
  assert.equal(errors.length, 5);
  assert.ok(errors.every((e) => e.type === 'plugin:error' && e.message === 'boom from the plugin'));
  assert.equal(engine.supervisors.get('app')!.state, 'running');
  // A reload brings it back.
  await engine.reload();
  engine.bus.publish('custom:event', 'go', { name: 'boom:go:now', data: {} });
  const again = await engine.bus.next('plugin:echo:error');
  assert.ok(again.type === 'plugin:error' && again.message === 'boom from the plugin');
});

test('a missing plugin, a module that is not a plugin, and bad options are reported; the engine runs', async () => {
  const { engine, events } = await startEngine(
    `version: 1
plugins:
  - ./nope.mjs
  - ${JSON.stringify(fixture('plugins', 'not-a-plugin.mjs'))}
  - { use: ${JSON.stringify(fixture('plugins', 'echo.mjs'))}, options: { greeting: 5 } }
processes:
  app: { command: ${idle} }
`,
  );
  await engine.bus.next('process:app:state', { where: (e) => e.type === 'process:state' && e.to === 'running' });
  const messages = events.flatMap((e) => (e.type === 'plugin:error' ? [e.message] : []));
  assert.equal(messages.length, 3, messages.join('\n'));
  assert.match(messages[0], /nope\.mjs/);
  assert.match(messages[1], /does not default-export a plugin/);
  assert.match(messages[2], /invalid options for plugin echo: options\.greeting must be string/);
});

test('a plugin that allocates without bound and one that floods events are stopped and reported', async () => {
  const { engine, events } = await startEngine(
    `version: 1
${plugins()}processes:
  app: { command: ${idle} }
reactions:
  - on: hog:go
    do: [{ echo.hog: {} }]
  - on: flood:go
    do: [{ echo.flood: {} }]
`,
  );
  engine.bus.publish('custom:event', 'go', { name: 'hog:go:now', data: {} });
  const oom = await engine.bus.next('plugin:echo:error', { withinMs: 30_000 });
  assert.ok(oom.type === 'plugin:error' && oom.hook === 'action');
  engine.bus.publish('custom:event', 'go', { name: 'flood:go:now', data: {} });
  const limited = await engine.bus.next('plugin:echo:error', { withinMs: 10_000 });
  assert.ok(limited.type === 'plugin:error');
  assert.match(limited.message, /more than 1000 events in a second/);
  const delivered = events.filter((e) => e.type === 'custom:event' && e.name === 'flood:echo:one').length;
  assert.equal(delivered, 1000);
  assert.equal(engine.supervisors.get('app')!.state, 'running');
});
