import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadPitfile } from '../../core/config/load.js';
import { makeProject } from '../helpers/project.js';

test('the model has every default applied, units parsed and paths absolute', async () => {
  const dir = makeProject({
    'sub/pitfile.yaml':
      'version: 1\nprocesses:\n  api:\n    command: [python, app.py]\n    cwd: services/api\n    env_file: .env\n    env: { PORT: 8000, DEBUG: true }\n    depends_on: [db]\n    restart: { delay: 250ms, max_delay: 1m }\n    limits: { memory: 512MB, cpu: 80% }\n    health: { tcp: 8000 }\n  db: { command: db }\nwatchers:\n  code: { paths: "**/*.py" }\n  nightly: { cron: "0 3 * * *" }\nreactions:\n  - on: file:code\n    do: [{ restart: api }]\n',
  });
  const { pitfile } = await loadPitfile({ cwd: join(dir, 'sub'), env: {} });
  const api = pitfile.processes.api;
  assert.equal(api.cwd, join(dir, 'sub', 'services', 'api'));
  assert.deepEqual(api.envFiles, [join(dir, 'sub', '.env')]);
  assert.deepEqual(api.env, { PORT: '8000', DEBUG: 'true' });
  assert.deepEqual(api.dependsOn, { db: 'started' });
  assert.equal(api.restart.delayMs, 250);
  assert.equal(api.restart.maxDelayMs, 60_000);
  assert.equal(api.restart.policy, 'on-failure');
  assert.equal(api.stop.signal, 'SIGTERM');
  assert.equal(api.stop.timeoutMs, 10_000);
  assert.equal(api.limits?.memoryBytes, 512 * 1024 * 1024);
  assert.equal(api.limits?.cpuPercent, 80);
  assert.deepEqual(api.health?.check, { kind: 'tcp', host: '127.0.0.1', port: 8000 });
  assert.equal(api.logs.maxBytes, 10 * 1024 * 1024);
  assert.equal(pitfile.processes.db.cwd, join(dir, 'sub'));
  assert.deepEqual(pitfile.watchers.code, {
    kind: 'file', name: 'code', paths: ['**/*.py'], ignore: [], root: join(dir, 'sub'), events: ['add', 'change', 'unlink'], debounceMs: 100,
  });
  assert.equal(pitfile.reactions[0].id, 'reaction-1');
  assert.deepEqual(pitfile.reactions[0].do, [{ action: 'restart', args: 'api' }]);
  assert.equal(pitfile.settings.stateDir, join(dir, 'sub', '.pit'));
  assert.equal(pitfile.heartbeat?.file, join(dir, 'sub', '.pit', 'engine.heartbeat'));
});

test('the model is frozen', async () => {
  const dir = makeProject({ 'pitfile.yaml': 'version: 1\nprocesses:\n  a: { command: x }\n' });
  const { pitfile } = await loadPitfile({ cwd: dir });
  assert.throws(() => {
    (pitfile.processes.a as { command: unknown }).command = 'y';
  }, TypeError);
});

test('settings.journal.stats is an interval in ms, and null when unset or off', async () => {
  const journalOf = async (yaml: string) => (await loadPitfile({ cwd: makeProject({ 'pitfile.yaml': `version: 1\n${yaml}` }), env: {} })).pitfile.settings.journal;
  assert.deepEqual(await journalOf(''), { ageMs: 7 * 86_400_000, rows: 100_000, statsEveryMs: null });
  assert.equal((await journalOf('settings: { journal: { stats: 1m } }\n')).statsEveryMs, 60_000);
  assert.equal((await journalOf('settings: { journal: { stats: "off" } }\n')).statsEveryMs, null);
});
