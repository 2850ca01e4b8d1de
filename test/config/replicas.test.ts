// replicas in the resolved pitfile: copies named NAME.N with their own env
// and health port, and the mistakes validation refuses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadPitfile } from '../../core/config/load.js';
import { keepScale, membersOf, withReplicaCount } from '../../core/config/replicas.js';
import { makeProject } from '../helpers/project.js';
import { pitfileErrors } from '../helpers/pitfile-errors.js';

const load = async (text: string, env: NodeJS.ProcessEnv = {}) => (await loadPitfile({ cwd: makeProject({ 'pitfile.yaml': text }), env })).pitfile;

const api = `version: 1
processes:
  api:
    command: node server.js
    replicas: 3
    env: { MODE: prod }
    replica_env: { PORT: { base: "\${PORT_BASE:-3000}", step: 10 } }
    health: { http: "http://127.0.0.1:3000/health" }
  web: { command: node web.js, depends_on: { api: healthy } }
`;

test('replicas: 3 resolves to api.1, api.2, api.3 in place, each with PIT_REPLICA and its own port, also in its health check', async () => {
  const p = await load(api, { PORT_BASE: '4000' });
  assert.deepEqual(Object.keys(p.processes), ['api.1', 'api.2', 'api.3', 'web']);
  assert.equal('api' in p.processes, false, 'the group itself runs nothing');
  assert.deepEqual(
    ['api.1', 'api.2', 'api.3'].map((n) => [p.processes[n].env, p.processes[n].replica, p.processes[n].health?.check]),
    [1, 2, 3].map((i) => [
      { MODE: 'prod', PIT_REPLICA: String(i), PORT: String(4000 + (i - 1) * 10) },
      { group: 'api', index: i },
      // The base written in the health URL is 3000, not ${PORT_BASE}: it is not the replica_env base, so it stays.
      { kind: 'http', url: 'http://127.0.0.1:3000/health' },
    ]),
  );
  assert.deepEqual(p.processes.web.dependsOn, { api: 'healthy' }, 'a dependent keeps the group name: it waits for every replica');
  assert.deepEqual({ count: p.replicas.api.count, written: p.replicas.api.written }, { count: 3, written: 3 });
});

test('a health check on the replica_env base port checks each replica on its own port (http and tcp)', async () => {
  const p = await load(`version: 1
processes:
  a: { command: x, replicas: 2, replica_env: { PORT: { base: 3000 } }, health: { http: "http://127.0.0.1:3000/health" } }
  b: { command: x, replicas: 2, replica_env: { P: { base: 5432, step: 2 } }, health: { tcp: 5432 } }
`);
  assert.deepEqual(
    ['a.1', 'a.2', 'b.1', 'b.2'].map((n) => p.processes[n].health?.check),
    [
      { kind: 'http', url: 'http://127.0.0.1:3000/health' },
      { kind: 'http', url: 'http://127.0.0.1:3001/health' },
      { kind: 'tcp', host: '127.0.0.1', port: 5432 },
      { kind: 'tcp', host: '127.0.0.1', port: 5434 },
    ],
  );
});

test('a scaled count is kept by a reload that leaves replicas alone, and dropped by one that changes it', async () => {
  const p = await load(api);
  const scaled = withReplicaCount(p, 'api', 5);
  assert.deepEqual(membersOf(scaled, 'api'), ['api.1', 'api.2', 'api.3', 'api.4', 'api.5']);
  assert.deepEqual(Object.keys(scaled.processes), ['api.1', 'api.2', 'api.3', 'api.4', 'api.5', 'web'], 'new replicas sit with their group');
  assert.equal(scaled.processes['api.5'].env.PORT, '3040');
  assert.deepEqual(scaled.processes['api.2'], p.processes['api.2'], 'a replica that stays is the same config: a reload does not restart it');
  assert.deepEqual(membersOf(keepScale(scaled, p), 'api').length, 5, 'an unrelated save keeps the scale');
  const edited = await load(api.replace('replicas: 3', 'replicas: 2'));
  assert.deepEqual(membersOf(keepScale(scaled, edited), 'api'), ['api.1', 'api.2'], 'a changed replicas wins');
  assert.deepEqual(membersOf(p, 'web'), ['web']);
});

test('validation refuses replica_env without replicas, a variable in both env and replica_env, a name a replica takes, and a reaction on the group that would never fire', async () => {
  const errors = await pitfileErrors(`version: 1
processes:
  api: { command: x, replicas: 2, env: { PORT: "1" }, replica_env: { PORT: { base: 3000 } } }
  api.2: { command: y }
  one: { command: z, replica_env: { PORT: { base: 3000 } } }
reactions:
  - on: process:api:exit
    do: [{ restart: api }]
`);
  assert.deepEqual(
    errors.map((e) => [e.code, e.path, e.line]),
    [
      ['PIT_E_CONFIG_REPLICAS', 'processes.api.env.PORT', 3],
      ['PIT_E_CONFIG_REPLICAS', 'processes.api.2', 4],
      ['PIT_E_CONFIG_REPLICAS', 'processes.one.replica_env', 5],
      ['PIT_E_CONFIG_REPLICAS', 'reactions[0].on', 7],
    ],
  );
  assert.match(errors[3].message, /process:api\.1:exit/);
  const fine = await pitfileErrors(`version: 1
processes:
  api: { command: x, replicas: 2 }
reactions:
  - on: process:api.1:exit
    do: [{ restart: [api.2] }, { stop: api }]
  - on: process:*:exit
    do: [{ restart: $process }]
`);
  assert.deepEqual(fine, [], 'a reaction may name one replica, or the group in an action');
  const zero = await pitfileErrors('version: 1\nprocesses:\n  api: { command: x, replicas: 0 }\n');
  assert.deepEqual(zero.map((e) => [e.code, e.path]), [['PIT_E_CONFIG_INVALID', 'processes.api.replicas']]);
});
