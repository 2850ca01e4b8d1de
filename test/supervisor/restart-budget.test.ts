import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RestartBudget } from '../../core/supervisor/restart-budget.js';

const cfg = { policy: 'always' as const, delayMs: 100, maxDelayMs: 500, minUptimeMs: 5000, maxRestarts: 3, windowMs: 60_000, onUnhealthy: false };

test('the delay doubles up to max_delay', () => {
  const b = new RestartBudget({ ...cfg, maxRestarts: 100 });
  assert.deepEqual([0, 1, 2, 3, 4].map((i) => b.takeDelay(i)), [100, 200, 400, 500, 500]);
});

test('a run longer than min_uptime resets the delay', () => {
  const b = new RestartBudget({ ...cfg, maxRestarts: 100 });
  b.takeDelay(0);
  b.takeDelay(1);
  b.noteExit(4999);
  assert.equal(b.takeDelay(2), 400);
  b.noteExit(5000);
  assert.equal(b.takeDelay(3), 100);
});

test('more than max_restarts within the window spends the budget; older restarts fall out of it', () => {
  const b = new RestartBudget(cfg);
  for (const t of [0, 1000, 2000]) {
    assert.equal(b.isSpent(t), false);
    b.takeDelay(t);
  }
  assert.equal(b.isSpent(3000), true);
  assert.equal(b.isSpent(60_001), false, 'the first restart left the window');
  b.reset();
  assert.equal(b.count(3000), 0);
});
