import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startEngine, nodeCommand } from '../helpers/engine.js';
import { fixture } from '../helpers/paths.js';
import { fillDisk, mountTmpfs } from '../helpers/tmpfs.js';

test('100,000 lines from a fast writer all land in the log, in order, none split', async () => {
  const writer = JSON.stringify([process.execPath, fixture('programs', 'fast-writer.mjs'), '100000', '100']);
  const { engine, dir } = await startEngine(`version: 1\nprocesses:\n  flood:\n    command: ${writer}\n    restart: { policy: never }\n    logs: { max_size: 1GB }\n`);
  await engine.bus.next('process:flood:state', { where: (e) => e.type === 'process:state' && e.to === 'exited', withinMs: 60_000 });
  await engine.stop(); // closes the pipes' last reads and the file
  const lines = readFileSync(join(dir, '.pit', 'logs', 'flood.log'), 'latin1').split('\n');
  assert.equal(lines.pop(), '');
  assert.equal(lines.length, 100_000);
  lines.forEach((l, i) => {
    const m = /^\S+Z out \| (\d+) x+$/.exec(l);
    if (!m || Number(m[1]) !== i || l.length !== 31 + 99) assert.fail(`line ${i} is damaged: ${l.slice(0, 80)}`);
  });
});

test('a full disk under the log is reported once and the process keeps running', async (t) => {
  let mounted = true;
  const { engine, line, events } = await startEngine(
    `version: 1\nprocesses:\n  chatty:\n    command: ${nodeCommand("let n = 0; setInterval(() => console.log('tick ' + n++), 10)")}\n`,
    {},
    (dir) => {
      // A real full disk under .pit/logs: a small tmpfs, filled.
      mkdirSync(join(dir, '.pit'), { recursive: true, mode: 0o700 });
      mounted = mountTmpfs(t, join(dir, '.pit', 'logs'), '64k');
      if (mounted) fillDisk(join(dir, '.pit', 'logs'));
    },
  );
  if (!mounted) return;
  await line('chatty', /tick 30/);
  const reports = events.flatMap((e) => (e.type === 'engine:log-error' ? [e.message] : []));
  assert.equal(reports.length, 1, 'reported once, not per line');
  assert.match(reports[0], /ENOSPC/);
  assert.equal(engine.supervisors.get('chatty')!.state, 'running');
});
