// The emit action makes up events; a name the catalogue declares is not one
// it may make up, even when it is only known once filled in from the event.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emit } from '../../core/reactions/actions/emit.js';
import { EventBus } from '../../core/events/bus.js';
import type { PitEvent } from '../../core/events/catalog.js';
import type { ActionEnv } from '../../core/reactions/actions/types.js';
import type { ReactionConfig } from '../../core/model/pitfile.js';

const reaction: ReactionConfig = { id: 'reaction-1', on: 'process:*:exit', if: null, do: [], debounceMs: null, throttle: null };

test('an emit filled in to a declared name (process:api:exit) fails and publishes nothing; a made-up name is a custom:event', async () => {
  const bus = new EventBus();
  const seen: PitEvent[] = [];
  bus.on('*:*', (e) => seen.push(e));
  const exit = bus.publish('process:exit', 'api', { process: 'api', pid: 1, exit_code: 1, signal: null, uptime_ms: 5, caused_by_engine: false });
  const env = { bus } as unknown as ActionEnv;
  const call = (args: unknown) => emit({ reaction, index: 0, args, vars: { event: exit, match: [] } }, env);
  await assert.rejects(call('process:${event.process}:exit'), { code: 'PIT_E_REACTION_EMIT', message: /cannot emit "process:api:exit": process:exit is one of Pit's own events/ });
  assert.deepEqual(seen.map((e) => e.type), ['process:exit'], 'nothing published');
  await call('deploy:${event.process}:done');
  const made = seen.at(-1)!;
  assert.ok(made.type === 'custom:event' && made.name === 'deploy:api:done');
});
