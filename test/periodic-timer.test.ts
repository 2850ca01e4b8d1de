import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PeriodicTimer, type Clock } from '../core/periodic-timer.js';

/** A clock the test moves: `advance` fires the armed timeout when its time comes, as Node would. */
function handClock() {
  let now = 1234; // not aligned to any period
  let armed: { at: number; fn: () => void; keepsAlive: boolean } | null = null;
  const c = {
    wakeups: 0,
    keepsAlive: () => armed?.keepsAlive ?? null,
    now: () => now,
    setTimer: (fn: () => void, ms: number, keepsAlive: boolean) => (armed = { at: now + ms, fn, keepsAlive }),
    clearTimer: (h: unknown) => {
      if (h === armed) armed = null;
    },
    advance(ms: number) {
      const end = now + ms;
      while (armed && armed.at <= end) {
        const t = armed;
        armed = null;
        now = t.at;
        c.wakeups++;
        t.fn();
      }
      now = end;
    },
  } satisfies Clock & Record<string, unknown>;
  return c;
}

test('a 5 s and a 30 s job wake the loop together: 12 wakeups in a minute, not 14', () => {
  const clock = handClock();
  const timer = new PeriodicTimer(clock);
  const runs = { five: [] as number[], thirty: [] as number[] };
  timer.every(5000, () => runs.five.push(clock.now()));
  timer.every(30_000, () => runs.thirty.push(clock.now()));
  clock.advance(60_000);
  assert.equal(runs.five.length, 12);
  assert.equal(runs.thirty.length, 2);
  assert.equal(clock.wakeups, 12);
  for (const t of runs.thirty) assert.ok(runs.five.includes(t), `the 30 s job ran at ${t} without the 5 s job`);
  // Runs stay a period apart.
  for (let i = 1; i < runs.five.length; i++) assert.equal(runs.five[i] - runs.five[i - 1], 5000);
});

test('a job due within a tenth of its period runs early on another job\'s wakeup, never late', () => {
  const clock = handClock();
  const timer = new PeriodicTimer(clock);
  const seven: number[] = [];
  const five: number[] = [];
  timer.every(5000, () => five.push(clock.now()));
  timer.every(7000, () => seven.push(clock.now()));
  clock.advance(70_000);
  assert.ok(clock.wakeups < five.length + seven.length, `${clock.wakeups} wakeups for ${five.length + seven.length} runs`);
  for (let i = 1; i < seven.length; i++) {
    const gap = seven[i] - seven[i - 1];
    assert.ok(gap >= 7000 * 0.9 - 1 && gap <= 7000 * 1.1 + 1, `a gap of ${gap} ms between two 7 s runs`);
  }
});

test('the first run comes between half a period and a period and a half after the job is added', () => {
  const clock = handClock();
  const timer = new PeriodicTimer(clock);
  const at: number[] = [];
  const added = clock.now();
  timer.every(30_000, () => at.push(clock.now()));
  clock.advance(45_000);
  assert.equal(at.length, 1);
  assert.ok(at[0] - added >= 15_000 && at[0] - added < 45_000, `first run ${at[0] - added} ms after`);
});

test('a stopped job no longer runs, a throwing job does not stop the others, and the last stop disarms the timer', () => {
  const clock = handClock();
  const timer = new PeriodicTimer(clock);
  let a = 0;
  let b = 0;
  const stopA = timer.every(1000, () => a++);
  const stopB = timer.every(1000, () => {
    b++;
    throw new Error('boom');
  });
  clock.advance(3000);
  assert.ok(a >= 2 && a === b, `a ran ${a} times, b ${b}`);
  stopA();
  const aBefore = a;
  clock.advance(3000);
  assert.equal(a, aBefore);
  assert.ok(b > aBefore);
  stopB();
  const wakeups = clock.wakeups;
  clock.advance(10_000);
  assert.equal(clock.wakeups, wakeups, 'no wakeup with no job');
});

test('the timer keeps the process alive only while a job that asks it to is on it', () => {
  const clock = handClock();
  const timer = new PeriodicTimer(clock);
  const stopTracker = timer.every(5000, () => {}, { keepsAlive: false });
  assert.equal(clock.keepsAlive(), false);
  const stopTick = timer.every(30_000, () => {});
  assert.equal(clock.keepsAlive(), true);
  stopTick();
  assert.equal(clock.keepsAlive(), false);
  stopTracker();
  assert.equal(clock.keepsAlive(), null);
});
