// engine export with replicas: on one host, one unit per replica, each with
// its own PIT_REPLICA and port, and a dependent that waits for every replica;
// in containers, the group once with its count.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { makeProject } from '../helpers/project.js';
import { runEngine } from '../helpers/cli.js';
import { needs } from '../helpers/tools.js';

const pitfile = `version: 1
processes:
  api: { command: node server.js, replicas: 2, replica_env: { PORT: { base: 3000 } } }
  web: { command: node web.js, depends_on: { api: started } }
`;

test('a systemd export writes one unit per replica with its own env, and a dependent on the group needs each replica', () => {
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

});

test('Compose and Kubernetes get a replica group once, with its count, replica 1\'s port and a published port range', { skip: needs('docker-compose') }, () => {
  const dir = makeProject({
    'pitfile.yaml': `version: 1
processes:
  api: { command: node server.js, replicas: 3, replica_env: { PORT: { base: 3000 } }, health: { http: "http://127.0.0.1:3000/health" } }
  web: { command: node web.js, depends_on: { api: healthy } }
`,
  });
  const compose = runEngine(['export', 'compose', '--image', 'node:20'], dir);
  assert.equal(compose.status, 0, compose.stderr);
  const services = parse(compose.stdout).services;
  assert.deepEqual(Object.keys(services).sort(), ['api', 'web'], 'no api-1, api-2');
  assert.equal(services.api.deploy.replicas, 3);
  assert.equal(services.api.environment.PORT, '3000');
  assert.equal(services.api.environment.PIT_REPLICA, undefined, 'no copy can be told its number');
  assert.deepEqual(services.api.ports, ['127.0.0.1:3000-3002:3000'], 'three host ports for three copies: one would clash');
  assert.deepEqual(Object.keys(services.web.depends_on), ['api']);
  assert.match(compose.stderr, /api: replicas 3 is deploy\.replicas 3; every copy gets the same env: no PIT_REPLICA, and replica_env gives each PORT=3000/);
  writeFileSync(join(dir, 'compose.yaml'), compose.stdout);
  const checked = spawnSync('docker-compose', ['-f', join(dir, 'compose.yaml'), 'config'], { cwd: dir, encoding: 'utf8' });
  assert.equal(checked.status, 0, `docker-compose config refused it:\n${checked.stderr}`);

  const k8s = runEngine(['export', 'kubernetes', '--image', 'node:20', '--out', 'k8s'], dir);
  assert.equal(k8s.status, 0, k8s.stderr);
  const deployment = parse(readFileSync(join(dir, 'k8s', 'deployment-api.yaml'), 'utf8'));
  assert.equal(deployment.spec.replicas, 3);
  assert.match(k8s.stderr, /api: replicas 3 is replicas: 3/);
  assert.doesNotMatch(k8s.stderr + k8s.stdout, /api-1|api\.1/);
});
