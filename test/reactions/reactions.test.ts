import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startEngine, nodeCommand } from '../helpers/engine.js';
import { until } from '../helpers/wait.js';
import type { PitEvent } from '../../core/events/catalog.js';

const idle = nodeCommand('setInterval(() => {}, 1000)');
const isRunning = (e: PitEvent) => e.type === 'process:state' && e.to === 'running';

test('a file change restarts exactly the named processes', async () => {
  const { engine, dir } = await startEngine(
    `version: 1
processes:
  a: { command: ${idle} }
  b: { command: ${idle} }
watchers:
  code: { paths: ["src/*.py"], debounce: 50ms }
reactions:
  - on: file:code:change
    do: [{ restart: [a] }]
`,
    { 'src/app.py': '' },
  );
  await Promise.all(['a', 'b'].map((n) => engine.bus.next(`process:${n}:state`, { where: isRunning })));
  const [pidA, pidB] = ['a', 'b'].map((n) => engine.supervisors.get(n)!.pid);
  const restarted = engine.bus.next('process:a:state', { where: isRunning });
  writeFileSync(join(dir, 'src/app.py'), 'print(1)\n');
  await restarted;
  assert.notEqual(engine.supervisors.get('a')!.pid, pidA);
  assert.equal(engine.supervisors.get('b')!.pid, pidB);
});

test('if filters on the payload and ${match.1} carries a regex group of a stderr line', async () => {
  const { engine } = await startEngine(
    `version: 1
processes:
  app:
    command: ${nodeCommand("console.error('ERROR code=7 ignored'); console.error('ERROR code=42 fatal'); setInterval(() => {}, 1000)")}
reactions:
  - on: process:app:stderr
    if: { match: "code=(\\\\d+) fatal" }
    do: [{ emit: { event: "alert:app:error", data: { code: "\${match.1}", line: "\${event.line}" } } }]
`,
  );
  const e = await engine.bus.next('alert:app:error');
  assert.ok(e.type === 'custom:event');
  assert.deepEqual(e.data, { code: '42', line: 'ERROR code=42 fatal' });
});

test('an evil if.match against hostile stderr lines does not stall the engine, and still fires on a line it matches', async () => {
  // A backtracking engine takes seconds on 30 characters of this, and doubles with each more: 20 lines of 30,000 would stall the engine for good.
  const hostile = `${'a'.repeat(30_000)}!`;
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const { engine } = await startEngine(
    `version: 1
processes:
  app:
    command: ${nodeCommand(`for (let i = 0; i < 20; i++) console.error('${hostile}'); console.error('\\x1b[31maaaa\\x1b[0m'); setInterval(() => {}, 1000)`)}
reactions:
  - on: process:app:stderr
    if: { match: "^(a+)+$" }
    do: [{ emit: { event: "alert:app:evil", data: { whole: "\${match.0}", group: "\${match.1}" } } }]
`,
  );
  const e = await engine.bus.next('alert:app:evil', { withinMs: 20_000 });
  delay.disable();
  assert.ok(e.type === 'custom:event');
  // Matched as a person reads the line: its colour codes removed.
  assert.deepEqual(e.data, { whole: 'aaaa', group: 'aaaa' });
  assert.ok(delay.max < 1e9, `the event loop was blocked for ${Math.round(delay.max / 1e6)} ms`);
});

test('a value from a log line reaches a shell command as data, never as code', async () => {
  const { engine, dir } = await startEngine(
    `version: 1
processes:
  app:
    command: ${nodeCommand("console.error('user: $(touch pwned); `touch pwned2`'); setInterval(() => {}, 1000)")}
reactions:
  - on: process:app:stderr
    if: { match: "user: (.*)" }
    do: [{ run: "echo \${match.1} > said.txt" }]
`,
  );
  await engine.bus.next('reaction:*:run');
  assert.equal(readFileSync(join(dir, 'said.txt'), 'utf8'), '$(touch pwned); `touch pwned2`\n');
  assert.ok(!existsSync(join(dir, 'pwned')) && !existsSync(join(dir, 'pwned2')));
});

test('exit_code conditions pick the exits they name', async () => {
  const { engine } = await startEngine(
    `version: 1
processes:
  one: { command: ${nodeCommand('process.exit(1)')}, restart: { policy: never } }
  two: { command: ${nodeCommand('process.exit(2)')}, restart: { policy: never } }
reactions:
  - on: process:*:exit
    if: { exit_code: [2, 3] }
    do: [{ emit: "seen:exit:\${event.process}" }]
`,
  );
  const e = await engine.bus.next('seen:exit');
  assert.ok(e.type === 'custom:event');
  assert.equal(e.name, 'seen:exit:two');
});

test('a reaction that triggers itself is suspended, with an event and a log line', async () => {
  const { engine, events, notes } = await startEngine(
    `version: 1
watchers:
  tick: { cron: "* * * * * *" }
reactions:
  - id: echo
    on: ping:loop
    do: [{ emit: "ping:loop:again" }]
  - on: cron:tick
    do: [{ emit: "ping:loop:start" }]
`,
  );
  const e = await engine.bus.next('reaction:echo:suspended', { withinMs: 5000 });
  assert.ok(e.type === 'reaction:suspended' && e.fires > 20 && e.source === 'loop');
  assert.ok(notes.some((n) => /reaction echo suspended for events of loop: they fired it more than 20 times/.test(n)));
  const fired = events.filter((x) => x.type === 'custom:event' && x.name === 'ping:loop:again').length;
  await new Promise((r) => setImmediate(r));
  assert.equal(events.filter((x) => x.type === 'custom:event' && x.name === 'ping:loop:again').length, fired, 'it stopped firing');
});

test('a failing action is an event and a log line, stops its own reaction, and the next reaction still runs', async () => {
  const { engine, notes, events } = await startEngine(
    `version: 1
processes:
  a: { command: ${idle}, autostart: false }
watchers:
  tick: { cron: "* * * * * *" }
reactions:
  - id: broken
    on: cron:tick
    do: [{ run: "exit 3" }, { emit: "never:reached:x" }]
  - id: fine
    on: cron:tick
    do: [{ start: a }]
`,
  );
  const failed = await engine.bus.next('reaction:broken:failed', { withinMs: 5000 });
  assert.ok(failed.type === 'reaction:failed');
  assert.match(failed.message, /exited with code 3/);
  assert.equal(failed.code, 'PIT_E_REACTION_RUN');
  // The terminal line names the code, so docs/errors.md says how to fix it.
  assert.ok(notes.some((n) => /^reaction broken: run failed: command exited with code 3 .*\[PIT_E_REACTION_RUN\]$/.test(n)), notes.join('\n'));
  await until(() => engine.supervisors.get('a')!.state === 'running', 5000, 'the other reaction to start a');
  // The failed run stops its own reaction: the emit after it never happens.
  assert.equal(events.some((e) => e.type === 'custom:event' && e.name === 'never:reached:x'), false, 'the action after the failure ran');
});

test('notify POSTs the event as JSON, and gives up on a URL that hangs', async () => {
  const bodies: unknown[] = [];
  const srv = createServer((q, s) => {
    let b = '';
    q.on('data', (d) => (b += d));
    q.on('end', () => {
      if (q.url === '/hang') return; // never answers
      bodies.push(JSON.parse(b));
      s.end('ok');
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  try {
    const { engine } = await startEngine(
      `version: 1
processes:
  job: { command: ${nodeCommand('process.exit(5)')}, restart: { policy: never } }
reactions:
  - on: process:job:exit
    do: [{ notify: "http://127.0.0.1:${port}/hook" }]
  - id: hung
    on: process:job:exit
    do: [{ notify: { url: "http://127.0.0.1:${port}/hang", timeout: 200ms, retries: 1 } }]
`,
    );
    const failed = await engine.bus.next('reaction:hung:failed', { withinMs: 10_000 });
    assert.ok(failed.type === 'reaction:failed');
    assert.match(failed.message, /no answer within 200ms/);
    assert.equal(failed.code, 'PIT_E_REACTION_NOTIFY');
    await until(() => bodies.length, 5000, 'the POST');
    assert.equal((bodies[0] as { event: { exit_code: number } }).event.exit_code, 5);
  } finally {
    srv.closeAllConnections();
    srv.close();
  }
});

test('a run that outlives its timeout is stopped and fails with PIT_E_REACTION_RUN_TIMEOUT; a missing program fails with its own code', async () => {
  const { engine, notes } = await startEngine(
    `version: 1
reactions:
  - id: slow
    on: go:slow
    do: [{ run: { command: "sleep 30", timeout: 300ms } }]
  - id: missing
    on: go:missing
    do: [{ run: ["./no-such-program"] }]
`,
  );
  const slow = engine.bus.next('reaction:slow:failed', { withinMs: 10_000 });
  engine.bus.publish('custom:event', 'slow', { name: 'go:slow:now', data: {} });
  const failed = await slow;
  assert.equal(failed.code, 'PIT_E_REACTION_RUN_TIMEOUT');
  assert.match(failed.message, /^command did not finish within 300ms and was stopped \(log: /);
  const missing = engine.bus.next('reaction:missing:failed', { withinMs: 10_000 });
  engine.bus.publish('custom:event', 'missing', { name: 'go:missing:now', data: {} });
  const refused = await missing;
  assert.equal(refused.code, 'PIT_E_PROCESS_COMMAND_NOT_FOUND');
  assert.ok(notes.some((n) => /^reaction missing: run failed: \.\/no-such-program does not exist or is not executable \[PIT_E_PROCESS_COMMAND_NOT_FOUND\]$/.test(n)), notes.join('\n'));
});

test('run with concurrency drop skips a firing while the last run is busy', async () => {
  const { engine, events } = await startEngine(
    `version: 1
watchers:
  tick: { cron: "* * * * * *" }
reactions:
  - id: slow
    on: cron:tick
    do: [{ run: { command: "sleep 2.5", concurrency: drop } }]
`,
  );
  await engine.bus.next('reaction:slow:run', { withinMs: 10_000 });
  await engine.bus.next('cron:tick:tick', { withinMs: 5000 });
  const ticks = events.filter((e) => e.type === 'cron:tick').length;
  const runs = events.filter((e) => e.type === 'reaction:run').length;
  assert.ok(ticks >= 3 && runs === 1, `${ticks} ticks, ${runs} runs`);
});

test('debounce waits for quiet and reacts once; throttle caps reactions per window', async () => {
  const { engine, events } = await startEngine(
    `version: 1
reactions:
  - id: quiet
    on: burst:x
    debounce: 200ms
    do: [{ emit: "quiet:x:done" }]
  - id: capped
    on: burst:x
    throttle: { max: 2, window: 1m }
    do: [{ emit: "capped:x:done" }]
`,
  );
  for (let i = 0; i < 10; i++) engine.bus.publish('custom:event', 'x', { name: 'burst:x:go', data: { i } });
  await engine.bus.next('quiet:x:done');
  // Extra reactions would be an absence of events, which cannot be awaited:
  // give any that were wrongly let through time to show.
  await new Promise((r) => setTimeout(r, 300));
  const count = (name: string) => events.filter((e) => e.type === 'custom:event' && e.name === name).length;
  assert.equal(count('quiet:x:done'), 1);
  assert.equal(count('capped:x:done'), 2);
});

test('a child printing matching lines fast suspends the reaction for that child only; another child still fires it', async () => {
  const { engine, events, line } = await startEngine(
    `version: 1
processes:
  noisy: { command: ["node", "-e", "setInterval(() => console.error('ERROR flood'), 5)"] }
  quiet: { command: ["node", "-e", "process.on('SIGUSR1', () => console.error('ERROR real')); console.log('ready'); setInterval(() => {}, 1000)"] }
reactions:
  - id: alert
    on: process:*:stderr
    if: { match: "^ERROR (.*)$" }
    do: [{ emit: "alert:\${event.process}:seen" }]
`,
  );
  const e = await engine.bus.next('reaction:alert:suspended', { withinMs: 10_000 });
  assert.ok(e.type === 'reaction:suspended' && e.source === 'noisy');
  await line('quiet', /ready/);
  // Only now, with the reaction suspended for noisy, does quiet print its one matching line.
  const alerted = engine.bus.next('alert:quiet', { withinMs: 10_000 });
  process.kill(engine.supervisors.get('quiet')!.pid!, 'SIGUSR1');
  await alerted;
  await new Promise((r) => setImmediate(r));
  const flood = events.filter((x) => x.type === 'custom:event' && x.name === 'alert:noisy:seen').length;
  assert.ok(flood <= 21, `noisy fired ${flood} times`);
});

test('every action is journaled as reaction:<id>:run naming its trigger, and what it makes names the run', async () => {
  const { engine, events } = await startEngine(
    `version: 1
processes:
  once: { command: ${nodeCommand('process.exit(2)')}, restart: { policy: never } }
reactions:
  - id: tell
    on: process:once:exit
    do: [{ emit: "told:once:exit" }]
`,
  );
  const told = await engine.bus.next('told:once:exit');
  const exit = events.find((e) => e.type === 'process:exit');
  const ran = events.find((e) => e.id === told.cause);
  assert.ok(ran?.type === 'reaction:run', `the emitted event names the run, got ${ran?.type}`);
  assert.equal(ran.action, 'emit');
  assert.equal(ran.cause, exit?.id, 'the run names the exit that fired it');
  assert.equal(ran.reason, 'once exited with code 2 (reaction tell on process:once:exit)');
  assert.equal(events.filter((e) => e.type === 'reaction:run').length, 1, 'one run per action');
});
