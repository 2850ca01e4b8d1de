import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEngine, nodeCommand } from '../helpers/engine.js';
import { fixture } from '../helpers/paths.js';
import { pitfileErrors } from '../helpers/pitfile-errors.js';
import { until } from '../helpers/wait.js';
import { makeProject } from '../helpers/project.js';
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

test("a plugin's emit of a declared event is published flat with its process from the name; the engine's own events are refused; a made-up name is a custom:event", async () => {
  const { engine, events } = await startEngine(
    `version: 1
plugins:
  - { use: ${JSON.stringify(fixture('plugins', 'impostor.mjs'))} }
processes:
  job: { command: ${nodeCommand('process.exit(4)')}, restart: { policy: never } }
`,
  );
  const stats = await engine.bus.next('process:job:stats');
  assert.deepEqual([stats.type, stats.subject, stats.process, stats.cpu_percent, stats.rss_bytes, stats.processes], ['process:stats', 'job', 'job', 1, 2, 3]);
  assert.notEqual(stats.id, 'forged', 'the bus gives the id');
  assert.ok(stats.at > 0, 'and the time');
  // The rest of the call's emits were published with it, in order.
  const done = events.find((e) => e.type === 'custom:event' && e.name === 'team:job:done');
  assert.ok(done?.type === 'custom:event' && done.data.ok === true);
  const refused = events.find((e) => e.type === 'plugin:error' && e.plugin === 'impostor');
  assert.ok(refused?.type === 'plugin:error');
  assert.deepEqual([refused.hook, refused.code], ['emit', 'PIT_E_PLUGIN_EMIT']);
  assert.match(refused.message, /cannot emit "process:job:exit": process:exit is the engine's own event/);
  assert.deepEqual(events.filter((e) => e.type === 'process:exit').map((e) => e.exit_code), [4], 'the only exit is the real one');
  assert.ok(!events.some((e) => e.type === 'custom:event' && e.name.startsWith('process:')), 'no process event is published as custom:event');
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
  assert.ok(errors.every((e) => e.type === 'plugin:error' && e.message === 'boom from the plugin' && e.code === 'PIT_E_PLUGIN_HOOK'));
  assert.equal(engine.supervisors.get('app')!.state, 'running');
  // A reload brings it back.
  await engine.reload();
  engine.bus.publish('custom:event', 'go', { name: 'boom:go:now', data: {} });
  const again = await engine.bus.next('plugin:echo:error');
  assert.ok(again.type === 'plugin:error' && again.message === 'boom from the plugin');
});

test("a plugin's PitError keeps its code, rewrapped with the plugin's name and hook; a ctx.fail with one fails the reaction with that code and is no fault", async () => {
  const { engine, events, notes } = await startEngine(
    `version: 1
plugins:
  - { use: ${JSON.stringify(fixture('plugins', 'coded.mjs'))} }
processes:
  app: { command: ${idle} }
reactions:
  - id: slack
    on: go:slack
    do: [{ coded.post: {} }]
  - id: approval
    on: go:approval
    do: [{ coded.approve: {} }]
`,
  );
  engine.bus.publish('custom:event', 'slack', { name: 'go:slack:now', data: {} });
  const reported = await engine.bus.next('plugin:coded:error', { withinMs: 10_000 });
  assert.deepEqual([reported.hook, reported.code, reported.message], ['action', 'PIT_E_CONFIG_ENV_UNSET', 'environment variable SLACK_TOKEN is not set']);
  const failed = await engine.bus.next('reaction:slack:failed', { withinMs: 10_000 });
  assert.deepEqual([failed.code, failed.message], ['PIT_E_CONFIG_ENV_UNSET', 'plugin coded: action post failed: environment variable SLACK_TOKEN is not set']);
  assert.ok(notes.includes('plugin coded: action post failed: environment variable SLACK_TOKEN is not set [PIT_E_CONFIG_ENV_UNSET]'), notes.join('\n'));

  engine.bus.publish('custom:event', 'approval', { name: 'go:approval:now', data: {} });
  const refused = await engine.bus.next('reaction:approval:failed', { withinMs: 10_000 });
  assert.deepEqual([refused.code, refused.message], ['PIT_E_INSTALL_NOT_PENDING', 'no install waiting with id "42"']);
  assert.equal(events.filter((e) => e.type === 'plugin:error').length, 1, 'a ctx.fail is an outcome, not a plugin:error');
});

test('a missing plugin, a module that is not a plugin, and bad options are pitfile errors with line:column', async () => {
  const errors = await pitfileErrors(
    `version: 1
plugins:
  - ./nope.mjs
  - ${JSON.stringify(fixture('plugins', 'not-a-plugin.mjs'))}
  - { use: ${JSON.stringify(fixture('plugins', 'echo.mjs'))}, options: { greeting: 5, colour: red } }
processes:
  app: { command: ${idle} }
`,
  );
  assert.deepEqual(
    errors.map((e) => [e.code, e.line, e.path]),
    [
      ['PIT_E_CONFIG_PLUGIN', 3, 'plugins[0]'],
      ['PIT_E_CONFIG_PLUGIN', 4, 'plugins[1]'],
      ['PIT_E_CONFIG_TYPE', 5, 'plugins[2].options.greeting'],
      ['PIT_E_CONFIG_UNKNOWN_KEY', 5, 'plugins[2].options.colour'],
    ],
  );
  assert.match(errors[0].message, /plugin "\.\/nope\.mjs" cannot be used: no such file: .*\/nope\.mjs$/);
  assert.match(errors[1].message, /does not default-export a plugin/);
  assert.match(errors[2].message, /must be a string \(got number 5\)/);
});

test('a reload that would break a plugin is refused, and the engine keeps supervising', async () => {
  const { engine, dir } = await startEngine(`version: 1\n${plugins()}processes:\n  app: { command: ${idle} }\n`);
  await engine.bus.next('process:app:state', { where: (e) => e.type === 'process:state' && e.to === 'running' });
  const pid = engine.supervisors.get('app')!.pid;
  writeFileSync(join(dir, 'pitfile.yaml'), `version: 1\n${plugins('{ greeting: 5 }')}processes:\n  app: { command: ${idle} }\n`);
  const outcome = await engine.reload();
  assert.ok('errors' in outcome);
  assert.deepEqual(outcome.errors.map((e) => [e.code, e.line, e.path]), [['PIT_E_CONFIG_TYPE', 3, 'plugins[0].options.greeting']]);
  assert.equal(engine.supervisors.get('app')!.pid, pid);
  assert.equal(engine.supervisors.get('app')!.state, 'running');
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

test('processes start while plugins load, and a plugin still gets every event from the start, in order', async () => {
  // The plugin's load waits for this file, made once quick has ended: no race with a loaded machine.
  const gate = join(makeProject({}), 'gate');
  process.env.PIT_TEST_LATE_GATE = gate;
  const { dir, events } = await startEngine(
    `version: 1
plugins:
  - ${JSON.stringify(fixture('plugins', 'late.mjs'))}
processes:
  quick: { command: ${nodeCommand("console.log('hello')")}, restart: { policy: never } }
`,
  );
  await until(() => events.some((e) => e.type === 'process:state' && e.subject === 'quick' && e.to === 'exited'), 10_000, 'quick to exit');
  writeFileSync(gate, '');
  const seenFile = join(dir, '.pit', 'late-seen');
  const seen = await until(() => {
    const lines = existsSync(seenFile) ? readFileSync(seenFile, 'utf8').trim().split('\n') : [];
    return lines.some((l) => l.endsWith('process:state exited')) ? lines : null;
  }, 10_000, 'the plugin to see quick exit');
  assert.deepEqual(
    seen.map((l) => l.split(' ').slice(1).join(' ')),
    ['process:state starting', 'process:state running', 'process:stdout hello', 'process:state exited'],
  );
  // The process ran and ended before the plugin was loaded: those events were kept for it.
  const loadedAt = Number(readFileSync(join(dir, '.pit', 'late-loaded'), 'utf8'));
  assert.ok(Number(seen.at(-1)!.split(' ')[0]) < loadedAt, 'quick exited before the plugin was loaded');
});

test('a plugin whose setup throws is reported as it loads, with its name and hook, disabled, and never torn down', async () => {
  const { engine, events, notes, dir } = await startEngine(
    `version: 1
plugins:
  - ${JSON.stringify(fixture('plugins', 'broken-setup.mjs'))}
processes:
  app: { command: ${idle} }
`,
  );
  await engine.ready();
  const reported = events.filter((e) => e.type === 'plugin:error' && e.plugin === 'broken');
  assert.equal(reported.length, 1, 'the setup failure is reported once the plugins are loaded');
  assert.ok(reported[0].type === 'plugin:error');
  assert.deepEqual([reported[0].subject, reported[0].hook, reported[0].code, reported[0].message], ['broken', 'setup', 'PIT_E_PLUGIN_SETUP', 'boom in setup']);
  assert.ok(events.some((e) => e.type === 'plugin:disabled' && e.plugin === 'broken'));
  assert.ok(notes.some((n) => /^plugin broken: setup failed: boom in setup; the plugin is disabled.*\[PIT_E_PLUGIN_SETUP\]$/.test(n)), notes.join('\n'));
  // The engine goes on: its process runs, and the plugin gets no events.
  await until(() => engine.supervisors.get('app')!.state === 'running' || null, 10_000, 'app to run');
  await engine.stop();
  assert.equal(events.filter((e) => e.type === 'plugin:error' && e.plugin === 'broken').length, 1, 'not reported again at teardown');
  assert.ok(!notes.some((n) => /teardown/.test(n)), notes.join('\n'));
  assert.deepEqual(readFileSync(join(dir, '.pit', 'broken-hooks'), 'utf8').split('\n').filter(Boolean), ['setup']);
});

test('a plugin over its emit budget for 10 s is disabled, and what it emitted beyond the budget is never published (so never journaled)', { timeout: 40_000 }, async () => {
  const { engine, events } = await startEngine(
    `version: 1
plugins:
  - { use: ${JSON.stringify(fixture('plugins', 'flooder.mjs'))} }
processes:
  app: { command: ${idle} }
`,
  );
  const disabled = await engine.bus.next('plugin:flooder:disabled', { withinMs: 20_000 });
  const firstError = events.find((e) => e.type === 'plugin:error' && e.plugin === 'flooder')!;
  const afterSeconds = (disabled.at - firstError.at) / 1000;
  assert.ok(afterSeconds >= 9 && afterSeconds <= 13, `disabled ${afterSeconds} s after it first went over`);
  // At most the budget each second made it onto the bus; the other ~99% are in no event and no journal row.
  const published = () => events.filter((e) => e.type === 'custom:event' && e.name === 'flooder:x:one').length;
  assert.ok(published() <= 1000 * (Math.ceil(afterSeconds) + 2), `${published()} flood events published`);
  // Said once as it began and once as it was disabled, not once a second.
  assert.ok(events.filter((e) => e.type === 'plugin:error' && e.plugin === 'flooder').length <= 2);
  const before = published();
  await new Promise((r) => setTimeout(r, 1000)); // nothing to await: checking that nothing more comes
  assert.equal(published(), before, 'a disabled plugin publishes nothing more');
  assert.equal(engine.supervisors.get('app')!.state, 'running');
});

test('a plugin stuck in a loop has its worker ended at the first timeout: the engine stops spending a core on it at once', { timeout: 40_000 }, async () => {
  const { engine, events } = await startEngine(
    `version: 1
plugins:
  - { use: ${JSON.stringify(fixture('plugins', 'looper.mjs'))} }
processes:
  app: { command: ${idle} }
`,
  );
  // Events keep coming, as they would from a busy project: each could start the loop again.
  const feed = setInterval(() => engine.bus.publish('custom:event', 'go', { name: 'loop:go:now', data: {} }), 100);
  try {
    const err = await engine.bus.next('plugin:looper:error', { withinMs: 10_000 });
    assert.ok(err.type === 'plugin:error');
    assert.match(err.message, /did not finish within 1000ms/);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, 2000)); // a measuring window, not a synchronisation
    const cpu = process.cpuUsage(cpu0);
    const share = (cpu.user + cpu.system) / 1000 / (performance.now() - t0);
    assert.ok(share < 0.3, `the engine used ${(share * 100).toFixed(0)} % of a core in the 2 s after the timeout`);
    // The next timeout disables it: a loop does not cost a core for five timeouts.
    await engine.bus.next('plugin:looper:disabled', { withinMs: 15_000 });
    assert.equal(events.filter((e) => e.type === 'plugin:error' && e.plugin === 'looper').length, 2);
  } finally {
    clearInterval(feed);
  }
  assert.equal(engine.supervisors.get('app')!.state, 'running');
});

test('a plugin that logs 100,000 long lines in one call has its first 100 printed, cut to 4,096 characters, and the rest counted', async () => {
  const { engine, notes } = await startEngine(
    `version: 1
${plugins()}processes:
  app: { command: ${idle} }
reactions:
  - on: chat:go
    do: [{ echo.chatter: {} }]
`,
  );
  engine.bus.publish('custom:event', 'go', { name: 'chat:go:now', data: {} });
  await until(() => notes.find((n) => /more log lines/.test(n)), 10_000, 'the note of log lines not shown');
  const chats = notes.filter((n) => n.startsWith('echo: chat '));
  assert.equal(chats.length, 100);
  assert.ok(chats.every((n) => n.length <= 'echo: '.length + 4096));
  assert.ok(notes.includes("echo: 99900 more log lines from one call not shown (a call's first 100 are)"), notes.join('\n'));
});
