import { test } from 'node:test';
import assert from 'node:assert/strict';
import { watchCron, type CronTick } from '../../core/watchers/cron-watcher.js';
import { within } from '../helpers/wait.js';

test('a cron expression with seconds fires on time', async () => {
  const ticks: CronTick[] = [];
  await within(
    new Promise<void>((resolve) => {
      const stop = watchCron({ kind: 'cron', name: 'c', cron: '* * * * * *', timezone: null }, (t) => {
        ticks.push(t);
        if (ticks.length === 2) {
          stop();
          resolve();
        }
      });
    }),
    5000,
    'two ticks of an every-second cron',
  );
  for (const t of ticks) {
    assert.equal(t.scheduledFor % 1000, 0, 'on a whole second');
    assert.ok(t.lateMs < 500, `late by ${t.lateMs}ms`);
  }
  assert.equal(ticks[1].scheduledFor - ticks[0].scheduledFor, 1000);
});

test('after the engine was paused, one late tick fires, never a storm', async () => {
  const ticks: CronTick[] = [];
  const stop = watchCron({ kind: 'cron', name: 'c', cron: '* * * * * *', timezone: 'UTC' }, (t) => ticks.push(t));
  // Block the event loop for 3.5 s: three occurrences are missed.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 3500);
  await new Promise((r) => setTimeout(r, 300));
  stop();
  // One late tick for the missed time; at most one more, on time, after it.
  const late = ticks.filter((t) => t.lateMs > 500);
  assert.equal(late.length, 1, `ticks: ${JSON.stringify(ticks)}`);
  assert.ok(late[0].lateMs > 1500, 'the tick says how late it was');
  assert.ok(ticks.length <= 2, `ticks: ${JSON.stringify(ticks)}`);
});
