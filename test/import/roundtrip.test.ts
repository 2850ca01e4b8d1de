// Where the formats overlap, import then export gives the source back:
// supervisord → pitfile → engine export supervisord keeps each program's
// command, directory, environment and autorestart; Compose likewise keeps
// command, environment, depends_on conditions, restart and healthcheck.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { importFile } from '../../core/import/import-file.js';
import { loadPitfile } from '../../core/config/load.js';
import { exportSupervisord } from '../../core/export/supervisord.js';
import { exportCompose } from '../../core/export/compose.js';
import { parseEnvironment, parseIni } from '../../core/import/supervisord-ini.js';
import { splitWords } from '../../core/import/shell-words.js';
import { makeProject } from '../helpers/project.js';

async function importThenLoad(files: Record<string, string>, source: string) {
  const root = makeProject(files);
  mkdirSync(join(root, 'services/api'), { recursive: true });
  const r = await importFile({ file: join(root, source), outDir: root });
  writeFileSync(join(root, 'pitfile.yaml'), r.text);
  return { root, pitfile: (await loadPitfile({ config: join(root, 'pitfile.yaml'), plugins: false })).pitfile };
}

/** Program name → its options, as supervisord would read them back. */
const programs = (conf: string) => new Map(parseIni(conf, 'x').filter((s) => s.name.startsWith('program:')).map((s) => [s.name.slice(8), s.values]));

test('supervisord → pitfile → engine export supervisord keeps command, directory, environment and autorestart', async () => {
  const source = `[program:api]
command=python -m http.server 8000 --bind 127.0.0.1
directory=services/api
environment=MODE="prod, blue",TOKEN='a"b',PLAIN=x
autorestart=true

[program:worker]
command=sh -c "python worker.py && echo done"
autorestart=unexpected

[program:once]
command=python migrate.py
autorestart=false
`;
  const { root, pitfile } = await importThenLoad({ 'supervisord.conf': source }, 'supervisord.conf');
  const back = programs(exportSupervisord(pitfile).files['supervisord.conf']);
  const before = programs(source);
  for (const [name, opts] of before) {
    const got = back.get(name)!;
    const argv = splitWords(opts.get('command')!);
    const exported = splitWords(got.get('command')!);
    // Plain words come back as the pitfile string run by sh -c, which gives the same argv.
    const same = JSON.stringify(exported) === JSON.stringify(argv) || JSON.stringify(exported) === JSON.stringify(['/bin/sh', '-c', argv.join(' ')]);
    assert.ok(same, `${name}: command ${JSON.stringify(exported)} runs ${JSON.stringify(argv)}`);
    assert.equal(got.get('autorestart'), opts.get('autorestart'), `${name}: autorestart`);
    assert.equal(got.get('directory'), join(root, opts.get('directory') ?? '.'), `${name}: directory`);
    assert.deepEqual(parseEnvironment(got.get('environment') ?? ''), parseEnvironment(opts.get('environment') ?? ''), `${name}: environment`);
  }
});

test('compose → pitfile → engine export compose keeps command, environment, depends_on, restart, healthcheck and profiles', async () => {
  const source = `x-env: &env
  LOG_LEVEL: debug
services:
  api:
    build: services/api
    command: [python, -m, http.server, "8000"]
    environment:
      <<: *env
      GREETING: "hello $$USER"
    restart: on-failure
    healthcheck:
      test: ["CMD", "curl", "-f", "http://127.0.0.1:8000/"]
      interval: 5s
      timeout: 2s
      retries: 4
  worker:
    build: services/api
    command: [python, worker.py]
    restart: always
    depends_on:
      api:
        condition: service_healthy
      migrate:
        condition: service_completed_successfully
  migrate:
    build: services/api
    command: [python, migrate.py]
    profiles: [setup, ci]
`;
  const { pitfile } = await importThenLoad({ 'compose.yaml': source }, 'compose.yaml');
  const back = parse(exportCompose(pitfile, 'python:3.12').files['compose.yaml']).services;
  const before = parse(source, { merge: true }).services;
  for (const name of Object.keys(before)) {
    assert.deepEqual(back[name].command, before[name].command, `${name}: command`);
    assert.equal(back[name].restart, before[name].restart ?? 'no', `${name}: restart`);
  }
  assert.deepEqual(back.api.environment, { LOG_LEVEL: 'debug', GREETING: 'hello $$USER' }, 'environment, anchors merged, $$ kept');
  assert.deepEqual(back.worker.depends_on, before.worker.depends_on);
  assert.deepEqual(back.api.healthcheck.test, before.api.healthcheck.test);
  assert.equal(back.api.healthcheck.retries, 4);
  assert.equal(back.api.healthcheck.interval, '5s');
  assert.deepEqual(back.migrate.profiles, ['setup', 'ci']);
  assert.equal(back.api.profiles, undefined, 'none where there were none');
});
