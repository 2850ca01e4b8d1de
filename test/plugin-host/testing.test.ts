import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { testPlugin, stateEvent } from '../../core/plugins/testing.js';
import type { PluginDefinition } from '../../core/plugins/contract.js';
import { repoRoot } from '../helpers/paths.js';
import { startEngine, nodeCommand } from '../helpers/engine.js';

const examplePath = join(repoRoot, 'docs', 'examples', 'fatal-alert.mjs');
const load = async () => (await import(pathToFileURL(examplePath).href)).default as PluginDefinition<{ autoRetry: boolean }>;

test('the testing harness runs the documented example plugin without an engine', async () => {
  const plugin = await load();
  const h = await testPlugin(plugin, { autoRetry: true });
  assert.deepEqual(h.logs, ['watching for fatal processes (autoRetry: true)']);
  await h.send(stateEvent('api', 'running', 'exited'), stateEvent('api', 'exited', 'fatal'));
  assert.deepEqual(h.emits, [{ name: 'alert:api:fatal', data: { reason: null } }]);
  assert.deepEqual(h.requests, [{ action: 'start', process: 'api' }]);
  h.clear();
  await h.send(stateEvent('api', 'exited', 'fatal'));
  assert.deepEqual(h.requests, [], 'retried only once');
  await h.act('reset');
  assert.deepEqual(h.logs, ['forgetting 1 retries']);
});

test('the documented example plugin works in a real engine', async () => {
  const { engine } = await startEngine(
    `version: 1
plugins:
  - { use: ${JSON.stringify(examplePath)}, options: { autoRetry: true } }
processes:
  flaky: { command: ${nodeCommand('process.exit(1)')}, restart: { max_restarts: 0 } }
`,
  );
  const alert = await engine.bus.next('alert:flaky:fatal');
  assert.ok(alert.type === 'custom:event');
  assert.match(String(alert.data.reason), /gave up after 0 restarts/);
  // The plugin's request starts it again: it goes fatal a second time.
  await engine.bus.next('process:flaky:state', { where: (e) => e.type === 'process:state' && e.to === 'fatal' });
});
