// Following log files on disk (engine logs -f with no engine): rotations
// and truncations between two polls lose no line and double none.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeProject } from '../helpers/project.js';
import { until } from '../helpers/wait.js';
import { followLogFiles } from '../../core/logs/log-follower.js';
import { rotateLogFiles } from '../../core/logs/rotate.js';
import type { LogLine } from '../../core/logs/log-reader.js';

const stamped = (stream: 'out' | 'err', text: string) => `${new Date().toISOString()} ${stream} | ${text}\n`;

test('a follower prints appended lines once each, through two rotations and a truncation between polls', async () => {
  const path = join(makeProject(), 'api.log');
  writeFileSync(path, stamped('out', 'old, shown as the tail already'));
  const got: LogLine[] = [];
  const follower = followLogFiles([{ name: 'api', path }], (l) => got.push(l), { pollMs: 20 });
  try {
    // All in one turn of the event loop: no poll runs in between.
    appendFileSync(path, stamped('out', 'one'));
    rotateLogFiles(path, 5);
    appendFileSync(path, stamped('err', 'two'));
    rotateLogFiles(path, 5);
    appendFileSync(path, stamped('out', 'three') + stamped('out', 'four, half').slice(0, -5));
    await until(() => got.length >= 3 || null, 5000, 'three lines');
    appendFileSync(path, 'half\n');
    await until(() => got.length >= 4 || null, 5000, 'the fourth line, once complete');
    truncateSync(path, 0);
    appendFileSync(path, stamped('out', 'five, after a truncation'));
    await until(() => got.length >= 5 || null, 5000, 'the fifth line');
    assert.deepEqual(
      got.map((l) => [l.process, l.stream, l.line]),
      [['api', 'out', 'one'], ['api', 'err', 'two'], ['api', 'out', 'three'], ['api', 'out', 'four, half'], ['api', 'out', 'five, after a truncation']],
    );
  } finally {
    follower.stop();
  }
});

test('a follower only of stderr gets no stdout line, and a file that appears later is read from its start', async () => {
  const path = join(makeProject(), 'late.log');
  const got: LogLine[] = [];
  const follower = followLogFiles([{ name: 'late', path }], (l) => got.push(l), { stream: 'err', pollMs: 20 });
  try {
    appendFileSync(path, stamped('out', 'not this') + stamped('err', 'this'));
    await until(() => got.length >= 1 || null, 5000, 'the stderr line');
    appendFileSync(path, stamped('err', 'and this'));
    await until(() => got.length >= 2 || null, 5000, 'the second stderr line');
    assert.deepEqual(got.map((l) => l.line), ['this', 'and this']);
  } finally {
    follower.stop();
  }
});
