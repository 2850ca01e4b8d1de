import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpuPercent, readGroupUsage } from '../../core/process/group-usage.js';
import { readProcStat } from '../../core/process/proc-stat.js';

test('CPU percent is the ticks used between two looks over the seconds between them, 100 per core', () => {
  assert.equal(cpuPercent({ ticks: 1000, atMs: 0 }, { ticks: 1050, atMs: 1000 }), 50);
  assert.equal(cpuPercent({ ticks: 0, atMs: 0 }, { ticks: 300, atMs: 2000 }), 150, 'one and a half cores');
  assert.equal(cpuPercent({ ticks: 10, atMs: 500 }, { ticks: 20, atMs: 500 }), 0, 'no time passed: 0, never Infinity');
});

test("a group's usage is its members' stat, as the /proc/<pid>/stat parser reads it", () => {
  const pgrp = readProcStat(process.pid)!.pgrp;
  const u = readGroupUsage(new Set([pgrp])).get(pgrp);
  assert.ok(u && u.members >= 1, 'this test runner is a member of its own group');
  assert.ok(u.cpuTicks > 0, `the runner has used CPU (${u.cpuTicks} ticks)`);
  assert.ok(u.rssBytes > 10 * 1024 * 1024, `the runner holds memory (${u.rssBytes} bytes)`);
  assert.equal(readGroupUsage(new Set()).size, 0);
});
