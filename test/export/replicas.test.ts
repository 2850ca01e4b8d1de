// engine export with replicas: one unit per replica, each with its own
// PIT_REPLICA and port, and a dependent that waits for every replica.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { makeProject } from '../helpers/project.js';
import { runEngine } from '../helpers/cli.js';

const pitfile = `version: 1
processes:
  api: { command: node server.js, replicas: 2, replica_env: { PORT: { base: 3000 } } }
  web: { command: node web.js, depends_on: { api: started } }
`;

test('systemd and compose exports write one unit per replica with its own env, and a dependent on the group needs each replica', () => {
  const dir = makeProject({ 'pitfile.yaml': pitfile });
  const systemd = runEngine(['export', 'systemd'], dir);
  assert.equal(systemd.status, 0, systemd.stderr);
  for (const i of [1, 2]) {
    const unit = systemd.stdout.split(/^### /m).find((f) => f.startsWith(`project-api.${i}.service`) || f.includes(`api.${i}.service\n`));
    assert.ok(unit, `a unit for api.${i}:\n${systemd.stdout}`);
    assert.match(unit, new RegExp(`Environment=.*PIT_REPLICA=${i}`));
    assert.match(unit, /Environment=.*PIT_REPLICAS=2/);
    assert.match(unit, new RegExp(`Environment=.*PORT=${2999 + i}`));
  }
  const web = systemd.stdout.split(/^### /m).find((f) => /web\.service\n/.test(f.split('\n')[0] + '\n'))!;
  assert.match(web, /^(Requires|Wants|After)=.*api\.1\.service.*api\.2\.service/m, 'web needs both replicas');
  assert.match(systemd.stderr, /api: replicas: 2 is exported as 2 separate processes \(api\.1, api\.2\)/);

  const compose = runEngine(['export', 'compose', '--image', 'node:20'], dir);
  assert.equal(compose.status, 0, compose.stderr);
  const services = parse(compose.stdout).services;
  assert.deepEqual(Object.keys(services).sort(), ['api-1', 'api-2', 'web']);
  assert.deepEqual(Object.keys(services.web.depends_on).sort(), ['api-1', 'api-2']);
});
