// Loopback addresses in Compose and Kubernetes: each container's 127.0.0.1
// is itself, so a value that reached another process under engine run
// reaches nothing there. Every one is warned about with the service to use
// instead, and --rewrite-loopback writes that service's name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { makeProject } from '../helpers/project.js';
import { runEngine } from '../helpers/cli.js';

const pitfile = `version: 1
processes:
  api:
    command: ["python3", "-m", "http.server", "18081", "--bind", "127.0.0.1"]
    health: { http: "http://127.0.0.1:18081/" }
  worker:
    command: ["python3", "worker.py"]
    env:
      API_URL: "http://127.0.0.1:18081"
      DB: "postgres://app:s3cret-pw@localhost:18081/db"
      ELSEWHERE: "localhost:5999"
      SELF: "http://[::1]:7000/"
      NOT_LOOPBACK: "http://localhost.example.com:18081 and 10.127.0.0.1"
export: { image: python:3.12-slim, ports: { worker: [7000] } }
`;

function exportTo(target: string, args: string[] = []) {
  const dir = makeProject({ 'pitfile.yaml': pitfile });
  const out = join(dir, 'out');
  const r = runEngine(['export', target, '--out', out, ...args], dir);
  assert.equal(r.status, 0, r.stderr);
  const files = Object.fromEntries(readdirSync(out).map((f) => [f, readFileSync(join(out, f), 'utf8')]));
  return { r, files };
}

const warnings = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('warning: '));

for (const [target, name] of [['compose', 'Compose'], ['kubernetes', 'Kubernetes']] as const) {
  test(`${name}: every loopback value in env, commands and probes is warned about, offering the service that listens there`, () => {
    const { r, files } = exportTo(target);
    const w = warnings(r.stderr);
    const has = (re: RegExp, why: string) => assert.ok(w.some((l) => re.test(l)), `${why}:\n${w.join('\n')}`);
    has(new RegExp(`worker: env API_URL points at 127\\.0\\.0\\.1:18081, which in ${name} is the process's own container: use api:18081, the service listening there \\(--rewrite-loopback does\\)`), 'API_URL');
    has(/worker: env DB points at localhost:18081, .*use api:18081/, 'DB');
    has(/worker: env ELSEWHERE points at localhost:5999, .*no process says it listens on 5999 \(a health check or export\.ports\): point it at the service or host that serves it/, 'an unknown port');
    has(/worker: env SELF points at \[::1\]:7000, itself: .* must listen on 0\.0\.0\.0/, 'its own port');
    has(/api: its command names 127\.0\.0\.1, .*a server must listen on 0\.0\.0\.0/, 'the command');
    has(/api: its health check probes 127\.0\.0\.1/, 'the probe');
    assert.ok(!w.some((l) => /NOT_LOOPBACK/.test(l)), 'localhost.example.com and 10.127.0.0.1 are not loopback');
    assert.ok(!r.stderr.includes('s3cret-pw'), 'only host:port is quoted, never the whole value');
    const text = Object.values(files).join('\n').split('\n').filter((l) => !l.startsWith('#')).join('\n');
    assert.match(text, /http:\/\/127\.0\.0\.1:18081/, 'without the flag the value is exported as written');
    assert.doesNotMatch(text, /api:18081/);
  });

  test(`${name}: --rewrite-loopback points env at the service that listens there and leaves the rest as written`, () => {
    const { r, files } = exportTo(target, ['--rewrite-loopback']);
    let env: Record<string, string>;
    if (target === 'compose') env = parse(files['compose.yaml']).services.worker.environment;
    else env = Object.fromEntries(parse(files['deployment-worker.yaml']).spec.template.spec.containers[0].env.map((e: { name: string; value: string }) => [e.name, e.value]));
    assert.equal(env.API_URL, 'http://api:18081');
    assert.equal(env.DB, 'postgres://app:s3cret-pw@api:18081/db');
    assert.equal(env.ELSEWHERE, 'localhost:5999', 'no process listens there: left as written');
    assert.equal(env.SELF, 'http://[::1]:7000/', 'its own port is itself in the container too');
    assert.equal(env.NOT_LOOPBACK, 'http://localhost.example.com:18081 and 10.127.0.0.1');
    assert.match(r.stderr, /worker: env API_URL points at 127\.0\.0\.1:18081: rewritten to api:18081 \(--rewrite-loopback\)/);
    if (target === 'compose') {
      assert.match(parse(files['compose.yaml']).services.api.healthcheck.test.join(' '), /urlopen\("http:\/\/api:18081\/"/, 'the probe checks what other services reach');
    } else {
      // The kubelet probes the pod's address: no host is written, whatever the flag.
      assert.equal(parse(files['deployment-api.yaml']).spec.template.spec.containers[0].readinessProbe.httpGet.host, undefined);
    }
  });
}

test('host targets share one loopback, as engine run did: no loopback warning, nothing rewritten', () => {
  for (const target of ['systemd', 'supervisord']) {
    const { r, files } = exportTo(target, ['--rewrite-loopback']);
    assert.doesNotMatch(r.stderr, /points at|probes 127|names 127/, target);
    assert.match(r.stderr, new RegExp(`note: --rewrite-loopback changes nothing for ${target}: its processes share one host's loopback`));
    assert.match(Object.values(files).join('\n'), /API_URL=\\?"?http:\/\/127\.0\.0\.1:18081/, target);
  }
});

test('export.ports or export.images naming no process is said, not silently ignored', () => {
  const dir = makeProject({ 'pitfile.yaml': 'version: 1\nprocesses:\n  api: { command: ["sleep", "300"] }\nexport: { image: img, images: { apii: nginx }, ports: { apii: [80] } }\n' });
  for (const target of ['compose', 'kubernetes']) {
    const r = runEngine(['export', target, '--out', join(dir, target)], dir);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /warning: export\.images\.apii names no process; known: api/);
    assert.match(r.stderr, /warning: export\.ports\.apii names no process; known: api/);
  }
});
