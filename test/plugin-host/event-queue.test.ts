import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventQueue } from '../../core/plugins/event-queue.js';
import type { PitEvent } from '../../core/events/catalog.js';

const line = (n: number, bytes = 10): PitEvent => ({ type: 'process:stderr', subject: 'api', at: n, id: `l${n}`, process: 'api', line: String(n).padEnd(bytes, '.') });
const exit = (n: number): PitEvent => ({ type: 'process:exit', subject: 'api', at: n, process: 'api', exit_code: 1, signal: null } as unknown as PitEvent);

test('a queue over its byte bound drops the oldest output lines and keeps the newest and every exit, in order', () => {
  const q = new EventQueue({ maxBytes: 20 * 1024, maxEvents: 10_000, batchBytes: 1024 * 1024 });
  let kept = true;
  for (let i = 0; i < 1000; i++) kept = q.push(line(i, 1000)) && kept;
  q.push(exit(1000));
  for (let i = 1001; i < 1003; i++) q.push(line(i, 1000));
  assert.equal(kept, false, 'push says when something was dropped');
  assert.ok(q.bytes <= 20 * 1024, `${q.bytes} bytes kept`);
  const got = q.take();
  assert.ok(got.length < 20);
  assert.deepEqual(got.slice(-3).map((e) => e.type), ['process:exit', 'process:stderr', 'process:stderr']);
  assert.equal(got.at(-1)!.at, 1002);
  // In order, and the lines kept are the newest before the exit.
  assert.deepEqual(got.map((e) => e.at), [...got.map((e) => e.at)].sort((a, b) => a - b));
  assert.equal(got.at(-4)!.at, 999);
  assert.equal(q.dropped, 1003 - got.length);
});

test('a queue over its count bound keeps at most that many, however short the lines', () => {
  const q = new EventQueue({ maxBytes: 1e9, maxEvents: 100, batchBytes: 1e9 });
  for (let i = 0; i < 2_000_000; i++) q.push(line(i));
  assert.equal(q.size, 100);
  const got = q.take();
  assert.equal(got.length, 100);
  assert.equal(got[0].at, 2_000_000 - 100);
  assert.equal(q.size, 0);
});

test('one take hands over at most a batch of bytes, and at least one event', () => {
  const q = new EventQueue({ maxBytes: 1e9, maxEvents: 1e6, batchBytes: 5000 });
  for (let i = 0; i < 10; i++) q.push(line(i, 1000));
  const first = q.take();
  assert.ok(first.length >= 1 && first.length < 10);
  let total = first.length;
  while (q.size) total += q.take().length;
  assert.equal(total, 10);
  const big = new EventQueue({ maxBytes: 1e9, maxEvents: 1e6, batchBytes: 10 });
  big.push(line(0, 1000));
  assert.equal(big.take().length, 1);
});
