// depends_on in isolation: stand-in supervisors on a real bus, so each rule
// (follow by name, stop order, give up with a reason) is seen on its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventBus } from '../../core/events/bus.js';
import { waitForDependencies, stopInOrder, startInOrder, PendingStarts } from '../../core/supervisor/dependencies.js';
import type { Supervisor } from '../../core/supervisor/supervisor.js';
import type { DependencyCondition } from '../../core/model/pitfile.js';
import type { ProcessState } from '../../core/events/catalog.js';
import type { PitError } from '../../core/errors.js';

/** A supervisor as dependencies.ts sees it; its changes publish what the real one would. */
function standIn(bus: EventBus, name: string, dependsOn: Record<string, DependencyCondition> = {}, log: string[] = []) {
  const s = {
    name,
    cfg: { name, dependsOn },
    state: 'stopped' as ProcessState,
    healthy: false,
    lastExit: null as { code: number | null; signal: null } | null,
    go(to: ProcessState, code: number | null = null) {
      const from = s.state;
      s.state = to;
      if (to === 'exited') s.lastExit = { code, signal: null };
      bus.publish('process:state', name, { process: name, from, to, pid: null, exit_code: code, signal: null, reason: null });
    },
    becomeHealthy() {
      s.healthy = true;
      bus.publish('process:healthy', name, { process: name });
    },
    waitingFor: null as string | null,
    wait(what: string) {
      s.waitingFor = what;
      s.go('waiting');
    },
    start() {
      log.push(`start ${name}`);
      s.go('starting');
    },
    async stop() {
      log.push(`stopping ${name}`);
      await new Promise(setImmediate);
      s.go('stopped');
      log.push(`stopped ${name}`);
    },
  };
  return s;
}
const asSup = (s: ReturnType<typeof standIn>) => s as unknown as Supervisor;

test('a wait reads its dependency by name: a replacement that becomes healthy lets the dependent go', async () => {
  const bus = new EventBus();
  const all = new Map([['api', standIn(bus, 'api')]]);
  let done = false;
  const waiting = waitForDependencies(bus, 'worker', { api: 'healthy' }, { lookup: (n) => all.has(n) ? asSup(all.get(n)!) : undefined }).then(() => (done = true));
  all.get('api')!.go('starting');
  const replacement = standIn(bus, 'api');
  all.set('api', replacement); // what a reload does
  await new Promise(setImmediate);
  assert.equal(done, false, 'not healthy yet');
  replacement.becomeHealthy();
  await waiting;
});

test('stop takes dependents first, and what depends on nothing in the group at once', async () => {
  const bus = new EventBus();
  const log: string[] = [];
  const procs = [standIn(bus, 'db', {}, log), standIn(bus, 'api', { db: 'started' }, log), standIn(bus, 'cache', {}, log)];
  for (const p of procs) p.state = 'running';
  const lookup = (n: string) => asSup(procs.find((p) => p.name === n)!);
  const outcomes = await stopInOrder(['db', 'api', 'cache'], lookup);
  assert.deepEqual([...outcomes.values()], [null, null, null]);
  assert.ok(log.indexOf('stopped api') < log.indexOf('stopping db'), log.join(', '));
  assert.ok(log.indexOf('stopping cache') < log.indexOf('stopped api'), 'cache did not wait for anything');
});

test('start takes a dependency in the group first, and gives up on one outside it that is stopped', async () => {
  const bus = new EventBus();
  const log: string[] = [];
  const procs = [standIn(bus, 'db', {}, log), standIn(bus, 'api', { db: 'started' }, log), standIn(bus, 'web', { cache: 'started' }, log), standIn(bus, 'cache', {}, log)];
  const lookup = (n: string) => asSup(procs.find((p) => p.name === n)!);
  const starting = startInOrder(bus, ['api', 'db', 'web'], lookup, new PendingStarts());
  await new Promise(setImmediate);
  assert.deepEqual(log.filter((l) => l.startsWith('start ')), ['start db'], 'api waits for db to run');
  assert.equal(procs[1].state, 'waiting');
  assert.equal(procs[1].waitingFor, 'db: started');
  procs[0].go('running');
  const outcomes = await starting;
  assert.deepEqual(log.filter((l) => l.startsWith('start ')), ['start db', 'start api']);
  assert.ok(log.includes('stopping web'), 'web, given up on, no longer waits');
  assert.equal(outcomes.get('api'), null);
  const e = outcomes.get('web') as PitError;
  assert.equal(e.code, 'PIT_E_PROCESS_DEPENDENCY');
  assert.equal(e.message, 'web was not started: it waits for cache: started, and cache is stopped');
});
