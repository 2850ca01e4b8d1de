import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventBus } from '../../core/events/bus.js';
import type { PitEvent } from '../../core/events/catalog.js';

const line = (bus: EventBus, process: string, text: string) => bus.publish('process:stdout', process, { process, line: text });

test('a subscriber that comes late gets the matching events of a recording first, in order, then live ones', () => {
  const bus = new EventBus();
  const early = bus.record(100);
  line(bus, 'a', 'one');
  line(bus, 'b', 'other');
  line(bus, 'a', 'two');
  const got: PitEvent[] = [];
  bus.on('process:a:stdout', (e) => got.push(e), { since: early });
  line(bus, 'a', 'three');
  early.stop();
  line(bus, 'a', 'four');
  assert.deepEqual(got.map((e) => e.type === 'process:stdout' && e.line), ['one', 'two', 'three', 'four']);
  // After stop, a recording hands nothing over.
  const late: PitEvent[] = [];
  bus.on('process:a:stdout', (e) => late.push(e), { since: early });
  assert.equal(late.length, 0);
});

test('a recording keeps at most its limit, counts the rest, and wants output lines only while it has room', () => {
  const bus = new EventBus();
  assert.equal(bus.wants('process:a:stdout'), false);
  const early = bus.record(2);
  assert.equal(bus.wants('process:a:stdout'), true);
  for (const text of ['1', '2', '3', '4']) line(bus, 'a', text);
  assert.equal(early.dropped, 2);
  assert.equal(bus.wants('process:a:stdout'), false);
  const got: string[] = [];
  bus.on('process:*', (e) => e.type === 'process:stdout' && got.push(e.line), { since: early });
  assert.deepEqual(got, ['1', '2']);
  early.stop();
  assert.equal(bus.wants('process:a:stdout'), true, 'the subscriber above wants them now');
});

test('a subscriber with several patterns gets an event matching two of them once', () => {
  const bus = new EventBus();
  const got: PitEvent[] = [];
  bus.on(['process:a', 'process:*:stdout'], (e) => got.push(e));
  line(bus, 'a', 'x');
  line(bus, 'b', 'y');
  assert.deepEqual(got.map((e) => e.type === 'process:stdout' && e.line), ['x', 'y']);
});

test('a subscriber that throws is reported once; the others and the publisher go on, and nothing escapes', async () => {
  const faults: string[] = [];
  const bus = new EventBus((err, e, pattern) => faults.push(`${pattern} ${e.type} ${(err as Error).message}`));
  const got: string[] = [];
  bus.on('process:*:stdout', () => {
    throw new Error('boom');
  });
  bus.on('process:*:stdout', (e) => e.type === 'process:stdout' && got.push(e.line));
  const escaped: unknown[] = [];
  const onUncaught = (err: unknown) => escaped.push(err);
  process.on('uncaughtException', onUncaught);
  try {
    for (const text of ['one', 'two', 'three']) assert.doesNotThrow(() => line(bus, 'a', text));
    await new Promise((r) => setImmediate(r));
  } finally {
    process.off('uncaughtException', onUncaught);
  }
  assert.deepEqual(got, ['one', 'two', 'three']);
  assert.deepEqual(faults, ['process:*:stdout process:stdout boom']);
  assert.deepEqual(escaped, []);
});

test('a subscriber is handed the events its pattern names, typed by the pattern', () => {
  const bus = new EventBus();
  const exits: (number | null)[] = [];
  // e is a process:exit here: exit_code needs no check of e.type.
  bus.on('process:*:exit', (e) => exits.push(e.exit_code));
  const made: string[] = [];
  // An undeclared name is a custom:event, with its data.
  bus.on('ops:*:error', (e) => made.push(`${e.name} ${String(e.data.kind)}`));
  bus.on('process:*:exit', (e) => {
    // @ts-expect-error a process:exit has no line: the pattern typed it
    void e.line;
  });
  bus.publish('process:exit', 'api', { process: 'api', pid: 1, exit_code: 3, signal: null, uptime_ms: 5, caused_by_engine: false });
  bus.publish('custom:event', 'api', { name: 'ops:api:error', data: { kind: 'KeyError' } });
  line(bus, 'api', 'not an exit');
  assert.deepEqual(exits, [3]);
  assert.deepEqual(made, ['ops:api:error KeyError']);
});
