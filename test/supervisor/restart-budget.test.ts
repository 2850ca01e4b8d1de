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
  assert.equal(b.isSpent(3000), false, 'a reset gives the budget back');
});

test('the restart decision spends the budget, then gives up naming the budget, the process and the last cause', () => {
  const b = new RestartBudget(cfg);
  assert.deepEqual([0, 1, 2].map((t) => b.decide(t, 'api', 'exited with code 1')), [
    { restart: true, delayMs: 100 },
    { restart: true, delayMs: 200 },
    { restart: true, delayMs: 400 },
  ]);
  const gaveUp = b.decide(3, 'api', 'exited with code 1');
  assert.equal(gaveUp.restart, false);
  assert.equal(
    !gaveUp.restart && gaveUp.reason,
    'gave up after 3 restarts within 1m (restart.max_restarts: 3); last: exited with code 1. Fix the cause, then run "engine restart api" (or edit the pitfile to reload)',
  );
  assert.equal(b.isSpent(4), true, 'giving up spends no restart and keeps the budget spent');
});
