// One way to show a time: local, "YYYY-MM-DD HH:MM:SS.mmm" for people, ISO
// with its offset for scripts; engine events and engine logs -t both use it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeFileSync, mkdirSync } from 'node:fs';
import { EventBus } from '../../core/events/bus.js';
import { Journal } from '../../core/journal/journal.js';
import { formatTime, formatTimeIso } from '../../core/cli/time-format.js';
import { makeProject } from '../helpers/project.js';
import { runEngine } from '../helpers/cli.js';

const at = Date.parse('2026-12-03T08:30:05.042Z');

/** `fn` with the process's time zone set to `tz` (Node reads TZ again when it is set). */
function inZone<T>(tz: string, fn: () => T): T {
  const before = process.env.TZ;
  process.env.TZ = tz;
  try {
    return fn();
  } finally {
    if (before === undefined) delete process.env.TZ;
    else process.env.TZ = before;
  }
}

test('a time for people is local time to the millisecond; for scripts, ISO with the local offset, never Z', () => {
  assert.equal(inZone('Asia/Kolkata', () => formatTime(at)), '2026-12-03 14:00:05.042');
  assert.equal(inZone('Asia/Kolkata', () => formatTimeIso(at)), '2026-12-03T14:00:05.042+05:30');
  assert.equal(inZone('America/New_York', () => formatTime(at)), '2026-12-03 03:30:05.042');
  assert.equal(inZone('America/New_York', () => formatTimeIso(at)), '2026-12-03T03:30:05.042-05:00');
  assert.equal(inZone('UTC', () => formatTimeIso(at)), '2026-12-03T08:30:05.042+00:00');
  // The ISO form names the same instant wherever it is read.
  for (const tz of ['Asia/Kolkata', 'America/New_York', 'UTC']) assert.equal(Date.parse(inZone(tz, () => formatTimeIso(at))), at);
});

test('engine events prints local time, and --json gives the time as ISO with its offset', () => {
  const dir = makeProject({ 'pitfile.yaml': 'version: 1\nprocesses:\n  api: { command: "true" }\n' });
  mkdirSync(join(dir, '.pit'));
  const bus = new EventBus();
  const j = Journal.open(join(dir, '.pit'), { ageMs: 365 * 86_400_000, rows: 1000 });
  j.attach(bus);
  bus.publish('process:exit', 'api', { process: 'api', pid: 1, exit_code: 3, signal: null, uptime_ms: 5, caused_by_engine: false }, Date.now() - 1000);
  j.flush();
  j.close();
  const env = { ...process.env, TZ: 'Asia/Kolkata' };
  const stored = Date.now() - 1000;
  const shown = runEngine(['events', '--type', 'process:*:exit'], dir, env);
  assert.equal(shown.status, 0, shown.stderr);
  const local = inZone('Asia/Kolkata', () => formatTime(stored)).slice(0, 16); // to the minute: the test's clock moved on
  assert.match(shown.stdout, new RegExp(`^${local}:\\d\\d\\.\\d{3} process:api:exit `, 'm'));
  assert.doesNotMatch(shown.stdout, /\d\dT\d\d|Z /, 'not UTC ISO');
  const json = runEngine(['events', '--type', 'process:*:exit', '--json'], dir, env);
  const e = JSON.parse(json.stdout.trim().split('\n')[0]);
  assert.match(e.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+05:30$/);
  assert.ok(Math.abs(Date.parse(e.at) - stored) < 5000);
});

test('engine logs --timestamps prints each line\'s stamp in local time', () => {
  const dir = makeProject({ 'pitfile.yaml': 'version: 1\nprocesses:\n  api: { command: "true" }\n' });
  mkdirSync(join(dir, '.pit', 'logs'), { recursive: true });
  writeFileSync(join(dir, '.pit', 'logs', 'api.log'), '2026-12-03T08:30:05.042Z out | hello\n2026-12-03T08:30:06.000Z err | oops\n');
  const r = runEngine(['logs', 'api', '--timestamps'], dir, { ...process.env, TZ: 'America/New_York' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.stdout.trimEnd().split('\n'), ['api | 2026-12-03 03:30:05.042 hello', 'api ! 2026-12-03 03:30:06.000 oops']);
});
