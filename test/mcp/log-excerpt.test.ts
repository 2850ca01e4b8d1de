import { test } from 'node:test';
import assert from 'node:assert/strict';
import { excerpt, MAX_LINE_CHARS } from '../../core/mcp/log-excerpt.js';
import type { LogLine } from '../../core/logs/log-reader.js';

const line = (n: number, text = `line ${n}`): LogLine => ({ process: 'api', at: Date.UTC(2026, 11, 3, 9, 0, n), stream: 'out', line: text });

test('an excerpt keeps the newest lines that fit in the bytes, oldest first, and says it left some out', () => {
  const lines = Array.from({ length: 100 }, (_, n) => line(n));
  const { lines: kept, truncated } = excerpt(lines, 1024);
  assert.equal(truncated, true);
  assert.ok(kept.length > 5 && kept.length < 100);
  assert.equal(kept.at(-1)!.line, 'line 99');
  assert.deepEqual(kept.map((l) => l.line), lines.slice(-kept.length).map((l) => l.line));
  assert.ok(Buffer.byteLength(kept.map((l) => JSON.stringify(l) + '\n').join('')) <= 1024);
  assert.equal(kept[0].at, new Date(lines[100 - kept.length].at).toISOString());
});

test('an excerpt that fits whole is not marked truncated, and a line too long is cut and marked', () => {
  assert.deepEqual(excerpt([line(1), line(2)], 4096), {
    lines: [
      { process: 'api', at: '2026-12-03T09:00:01.000Z', stream: 'out', line: 'line 1' },
      { process: 'api', at: '2026-12-03T09:00:02.000Z', stream: 'out', line: 'line 2' },
    ],
    truncated: false,
  });
  const { lines, truncated } = excerpt([line(1, 'y'.repeat(MAX_LINE_CHARS + 10))], 65536);
  assert.equal(truncated, true);
  assert.equal(lines[0].line, `${'y'.repeat(MAX_LINE_CHARS)}… [cut: 10 more characters]`);
});

test('a line larger than the whole budget leaves the excerpt empty rather than over it', () => {
  const { lines, truncated } = excerpt([line(1, 'z'.repeat(MAX_LINE_CHARS))], 1024);
  assert.deepEqual(lines, []);
  assert.equal(truncated, true);
});
