// The engine outlives its own faults: a part of it that throws while
// handling an event is reported once, and supervision goes on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startEngine } from './helpers/engine.js';

test('a listener that throws on every state change is reported once, and the process still runs, crashes and is restarted', async () => {
  const t = await startEngine('version: 1\nprocesses:\n  a: { command: ["node", "-e", "console.log(\\"up\\"); setTimeout(() => process.exit(3), 200)"], restart: { policy: always, delay: 0s } }\n');
  t.engine.bus.on('process:*:state', () => {
    throw new Error('listener bug');
  });
  await t.engine.bus.next('process:a:state', { withinMs: 10_000, where: (e) => e.type === 'process:state' && e.to === 'running' });
  const restarted = t.engine.bus.next('process:a:state', { withinMs: 10_000, where: (e) => e.type === 'process:state' && e.to === 'running' });
  await restarted;
  const reports = t.notes.filter((n) => n.includes('listener bug'));
  assert.equal(reports.length, 1, t.notes.join('\n'));
  assert.match(reports[0], /internal error \(please report\): a listener of process:\*:state failed on process:state of a/);
});
