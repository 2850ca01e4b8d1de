// Option by option: what each format's importer writes, and what it says it
// could not map. Small files written here, so each rule is seen alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { parse } from 'yaml';
import { importFile } from '../../core/import/import-file.js';
import { expand, parseEnvironment } from '../../core/import/supervisord-ini.js';
import { loadTimeReferences, literalDollars } from '../../core/import/env-references.js';
import { makeProject } from '../helpers/project.js';

async function imported(files: Record<string, string>, source = Object.keys(files)[0]) {
  const dir = makeProject(files);
  const r = await importFile({ file: join(dir, source), outDir: dir });
  return { ...r, data: parse(r.text) as { processes: Record<string, any>; watchers?: Record<string, any>; reactions?: any[] } };
}

test('supervisord: numprocs and process_name make one process per copy, with %(process_num)02d and %(program_name)s expanded', async () => {
  const { data } = await imported({ 'supervisord.conf': '[program:q]\ncommand=php artisan queue:work --name=%(program_name)s-%(process_num)d\nprocess_name=%(program_name)s_%(process_num)02d\nnumprocs=3\nnumprocs_start=1\n' });
  assert.deepEqual(Object.keys(data.processes), ['q_01', 'q_02', 'q_03']);
  assert.equal(data.processes.q_02.command, 'php artisan queue:work --name=q-2');
});

test('supervisord: %(ENV_X)s becomes ${X}, read when the pitfile loads; %(here)s is the config folder', async () => {
  assert.equal(expand('%(ENV_HOME)s/bin:%(here)s %%', { here: '/etc/sv' }), '${HOME}/bin:/etc/sv %');
  const unknown: string[] = [];
  assert.equal(expand('%(nope)s', {}, unknown), '%(nope)s');
  assert.deepEqual(unknown, ['nope']);
});

test('supervisord: environment= keeps commas and quotes inside quoted values', () => {
  assert.deepEqual(parseEnvironment('A="x, y",B=\'q"uote\',C=plain, D = spaced '), { A: 'x, y', B: 'q"uote', C: 'plain', D: 'spaced' });
});

test('supervisord: autorestart, startsecs, startretries, stopsignal, stopwaitsecs, autostart map to restart, stop and autostart; user is not mapped', async () => {
  const { data, report } = await imported({ 'supervisord.conf': '[program:a]\ncommand=a\nautorestart=unexpected\nstartsecs=3\nstartretries=7\nstopsignal=INT\nstopwaitsecs=20\nautostart=false\nuser=www-data\nstopasgroup=false\n' });
  const a = data.processes.a;
  assert.deepEqual(a.restart, { policy: 'on-failure', min_uptime: '3s', max_restarts: 7 });
  assert.deepEqual(a.stop, { signal: 'SIGINT', timeout: '20s' });
  assert.equal(a.autostart, false);
  assert.ok(report.some((l) => /a: not mapped: user=www-data/.test(l)));
  assert.ok(report.some((l) => /stopasgroup=false: Pit always signals the whole process group/.test(l)));
});

test('supervisord: [include] files are read relative to the including file; [group:] and [eventlistener:] are said', async () => {
  const { data, report, text } = await imported({
    'etc/supervisord.conf': '[include]\nfiles = conf.d/*.conf\n\n[group:web]\nprograms=api\n\n[eventlistener:crash]\ncommand=crash.py\nevents=PROCESS_STATE_FATAL\n',
    'etc/conf.d/api.conf': '[program:api]\ncommand=python api.py\n',
    'etc/conf.d/skip.txt': '[program:no]\ncommand=no\n',
  }, 'etc/supervisord.conf');
  assert.deepEqual(Object.keys(data.processes), ['api']);
  assert.match(text, /# not mapped: in \[group:web\]: Pit has no groups/);
  assert.ok(report.some((l) => /not mapped: \[eventlistener:crash\]/.test(l)));
});

test('procfile: PORT is 5000 + 100 per line in file order (foreman), from the PORT in the .env beside it', async () => {
  const plain = await imported({ Procfile: 'web: a\nworker: b\nclock: c\n' });
  assert.deepEqual(Object.values(plain.data.processes).map((p) => p.env.PORT), ['5000', '5100', '5200']);
  const withEnv = await imported({ 'Procfile.dev': 'web: a $PORT ${PORT:-1}\nworker: b\n', '.env': 'PORT=3000\n' });
  assert.deepEqual(Object.values(withEnv.data.processes).map((p) => p.env.PORT), ['3000', '3100']);
  assert.equal(withEnv.data.processes.web.env_file, '.env');
  assert.equal(withEnv.data.processes.web.command, 'a $PORT $${PORT:-1}', 'the shell, not the pitfile, expands them');
});

test('procfile: release runs once and the others wait for it to complete; a repeated name is renamed and said', async () => {
  const { data, report } = await imported({ Procfile: 'release: migrate\nweb: a\nweb: b\n' });
  assert.deepEqual(data.processes.release.restart, { policy: 'never' });
  assert.deepEqual(data.processes.web.depends_on, { release: 'completed' });
  assert.deepEqual(data.processes['web-2'].depends_on, { release: 'completed' });
  assert.ok(report.some((l) => /web-2: note: named "web-2": "web" is taken/.test(l)));
});

test('compose: conditions, healthcheck, environment list, env_file, restart, stop, limits and profiles map; image-only services are listed', async () => {
  const { data, report } = await imported({
    'docker-compose.yml': `services:
  db:
    image: postgres:16
    healthcheck: { test: ["CMD-SHELL", "pg_isready"], interval: 1m30s, retries: 5 }
  api:
    build: ./api
    entrypoint: ["python"]
    command: ["app.py"]
    environment: [ "A=\${A_VALUE}", "B=\${B:-two}", "PASSED" ]
    env_file: [.env]
    restart: "on-failure:4"
    stop_signal: SIGINT
    stop_grace_period: 1m30s
    depends_on: { db: { condition: service_healthy }, job: { condition: service_completed_successfully } }
    deploy: { replicas: 3, resources: { limits: { memory: 512M, cpus: "1.5" } } }
    profiles: [dev]
  job:
    image: alpine
    command: sh -c "echo $$HOME"
    healthcheck: { test: "wget -q localhost", timeout: 500ms }
`,
  });
  assert.deepEqual(Object.keys(data.processes), ['api', 'job']);
  const api = data.processes.api;
  assert.deepEqual(api.command, ['python', 'app.py']);
  assert.deepEqual(api.env, { A: '${A_VALUE:-}', B: '${B:-two}' });
  assert.equal(api.env_file, '.env');
  assert.deepEqual(api.restart, { policy: 'on-failure', max_restarts: 4 });
  assert.deepEqual(api.stop, { signal: 'SIGINT', timeout: '90s' });
  assert.deepEqual(api.limits, { memory: '512MB', cpu: '150%', action: 'restart' });
  assert.deepEqual(api.depends_on, { job: 'completed' }, 'db is a container, so not a dependency here');
  assert.equal(api.cwd, 'api');
  assert.deepEqual(api.profiles, ['dev'], 'profiles map to profiles');
  assert.equal(data.processes.job.profiles, undefined);
  assert.deepEqual(data.processes.job.health, { exec: 'wget -q localhost', timeout: '500ms' });
  assert.equal(data.processes.job.command, 'sh -c "echo $$HOME"', '$$ stays a literal $');
  assert.equal(api.replicas, 3, 'deploy.replicas is replicas');
  for (const said of [/not mapped: service "db" runs image postgres:16 with no command of its own: it needs a container/, /api: replicas: note: deploy\.replicas 3: api\.1 … api\.3 run on this host and cannot all listen on one port/, /api: not mapped: depends on "db", which is not imported/]) {
    assert.ok(report.some((l) => said.test(l)), `the report says ${said}`);
  }
  assert.ok(!report.some((l) => /profiles/.test(l)), 'profiles are mapped, not reported');
});

test('compose: ${VAR} forms translate to the pitfile\'s, and one without a form is kept literally and said', () => {
  assert.deepEqual(loadTimeReferences('$A ${B} ${C-x} ${D:?need} $$E ${F:+y}'), { text: '${A:-} ${B:-} ${C:-x} ${D} $$E $${F:+y}', unmapped: ['${F:+y}'] });
  assert.equal(literalDollars('$HOME $$ ${X}'), '$HOME $$$$ $${X}');
});

test('process-compose: probes, ready_log_line, availability, shutdown, disabled, dependency conditions and replicas map', async () => {
  const { data, report } = await imported({
    'process-compose.yaml': `version: "0.5"
environment: [ "GLOBAL=1" ]
processes:
  db:
    command: postgres
    readiness_probe: { exec: { command: pg_isready }, period_seconds: 2, failure_threshold: 4, initial_delay_seconds: 3 }
    shutdown: { signal: 2, timeout_seconds: 20, command: "pg_ctl stop" }
  api:
    command: ./api
    working_dir: ./services/api
    environment: [ "PORT=8080", "SLOT=$PC_REPLICA_NUM" ]
    liveness_probe: { http_get: { host: 127.0.0.1, port: 8080, path: /health } }
    availability: { restart: on_failure, backoff_seconds: 2, max_restarts: 5 }
    depends_on: { db: { condition: process_healthy }, seed: { condition: process_completed_successfully } }
    replicas: 2
    ready_log_line: "listening on (tcp)"
  web:
    command: ./web
    ready_log_line: "ready."
  proxy:
    command: ./proxy
    depends_on: { web: { condition: process_log_ready }, api: { condition: process_log_ready }, db: { condition: process_log_ready } }
  seed:
    command: ./seed
    disabled: true
    availability: { restart: exit_on_failure }
`,
  });
  const { db, api, seed, web, proxy } = data.processes;
  assert.deepEqual(db.health, { exec: 'pg_isready', interval: '2s', failures: 4, start_period: '3s', restart: false });
  assert.deepEqual(db.stop, { signal: 'SIGINT', timeout: '20s' });
  assert.deepEqual(api.health, { http: 'http://127.0.0.1:8080/health', restart: true, startup: { log: 'listening on \\(tcp\\)' } });
  assert.deepEqual(api.restart, { policy: 'on-failure', delay: '2s', max_restarts: 5 });
  assert.deepEqual(web.health, { log: 'ready\\.' });
  assert.deepEqual(proxy.depends_on, { web: 'healthy', api: 'healthy', db: 'started' });
  assert.deepEqual(api.env, { GLOBAL: '1', PORT: '8080', SLOT: '${PC_REPLICA_NUM:-}' });
  assert.equal(api.cwd, 'services/api');
  assert.deepEqual(api.depends_on, { db: 'healthy', seed: 'completed' });
  assert.equal(seed.autostart, false);
  assert.deepEqual(seed.restart, { policy: 'on-failure' });
  assert.equal(api.replicas, 2);
  assert.ok(!report.some((l) => /not mapped: replicas/.test(l)), 'replicas is not said to be lost');
  for (const said of [
    /api: replicas: note: PC_REPLICA_NUM \(0, 1, …\) is PIT_REPLICA \(1, 2, …\)/,
    /api: health: note: ready_log_line "listening on \(tcp\)" is the startup check/,
    /proxy: depends_on: not mapped: db: process_log_ready, but db has no ready_log_line; waits for it to be started/,
    /proxy: depends_on: note: api: process_log_ready becomes healthy/,
    /db: stop: not mapped: shutdown\.command "pg_ctl stop"/,
  ]) {
    assert.ok(report.some((l) => said.test(l)), `the report says ${said}`);
  }
});

test('pm2: interpreter, args, env, restarts, kill_timeout, memory, watch, cron_restart, instances and increment_var map', async () => {
  const { data, report } = await imported({
    'ecosystem.config.json': JSON.stringify({
      apps: [
        { name: 'api', script: 'server.js', args: '--port 3000', node_args: '--max-old-space-size=512', cwd: 'app', env: { COST: '$5' }, autorestart: true, max_restarts: 4, min_uptime: 2000, exp_backoff_restart_delay: 100, kill_timeout: 1600, max_memory_restart: '300M', watch: ['src'], ignore_watch: ['node_modules'], watch_delay: 500, cron_restart: '0 3 * * *', instances: 4, exec_mode: 'cluster' },
        { name: 'py', script: 'worker.py', interpreter: 'python3', autorestart: false },
        { name: 'bin', script: './bin/serve', interpreter: 'none' },
        { name: 'web', script: 'web.js', instances: 3, exec_mode: 'cluster', increment_var: 'PORT', instance_var: 'INSTANCE_ID', env: { PORT: 3000 } },
        { name: 'each-cpu', script: 'w.js', instances: 'max' },
      ],
    }),
  });
  const { api, py, bin } = data.processes;
  assert.deepEqual(api.command, ['node', '--max-old-space-size=512', 'server.js', '--port', '3000']);
  assert.equal(api.cwd, 'app');
  assert.deepEqual(api.env, { COST: '$5' });
  assert.deepEqual(api.restart, { policy: 'always', max_restarts: 4, min_uptime: '2s', delay: '100ms', max_delay: '15s' });
  assert.deepEqual(api.stop, { timeout: '1600ms' });
  assert.deepEqual(api.limits, { memory: '300MB', action: 'restart' });
  assert.deepEqual(data.watchers, { 'api-files': { paths: ['app/src', 'app/src/**'], ignore: ['**/node_modules', '**/node_modules/**'], debounce: '500ms' }, 'api-cron': { cron: '0 3 * * *' } });
  assert.deepEqual(data.reactions, [{ on: 'file:api-files', do: [{ restart: ['api'] }] }, { on: 'cron:api-cron', do: [{ restart: ['api'] }] }]);
  assert.deepEqual(py.command, ['python3', 'worker.py']);
  assert.deepEqual(py.restart, { policy: 'never' });
  assert.deepEqual(bin.command, ['./bin/serve']);
  assert.equal(api.replicas, 4);
  assert.ok(report.some((l) => /api: replicas: note: exec_mode cluster: PM2's instances share one port; Pit's replicas are separate processes/.test(l)));
  const { web } = data.processes;
  assert.deepEqual([web.replicas, web.replica_env, web.env], [3, { PORT: { base: 3000 } }, undefined], 'increment_var PORT is replica_env: 3000, 3001, 3002');
  assert.ok(!report.some((l) => /^web: replicas: note: exec_mode/.test(l)), 'with its own port per replica, cluster mode needs no note');
  assert.ok(report.some((l) => /web: note: instance_var INSTANCE_ID: Pit sets PIT_REPLICA \(1, 2, …\) instead/.test(l)));
  assert.equal(data.processes['each-cpu'].replicas, undefined);
  assert.ok(report.some((l) => /each-cpu: not mapped: instances "max": PM2 starts one per CPU/.test(l)));
});

test('a name the pitfile does not accept is renamed, and the rename is said', async () => {
  const { data, report } = await imported({ 'process-compose.yaml': 'processes:\n  "_init db":\n    command: x\n  web:\n    command: y\n    depends_on: { "_init db": { condition: process_completed } }\n' });
  assert.deepEqual(Object.keys(data.processes), ['init-db', 'web']);
  assert.deepEqual(data.processes.web.depends_on, { 'init-db': 'completed' });
  assert.ok(report.some((l) => /init-db: note: named "init-db": "_init db" is not a pitfile name/.test(l)));
});

test('supervisord: values left to %(ENV_X)s where a number or boolean is needed are said, not guessed', async () => {
  const { data, report } = await imported({
    'supervisord.conf': '[program:w]\ncommand=php artisan queue:work --sleep=%(ENV_QUEUE_SLEEP)s\nnumprocs=%(ENV_QUEUE_WORKERS)s\nstopwaitsecs=%(ENV_QUEUE_TIMEOUT)s\nautostart=%(ENV_ENABLE)s\npriority=30  # Start after nginx\n',
  });
  assert.deepEqual(Object.keys(data.processes), ['w']);
  assert.deepEqual(data.processes.w.command, ['php', 'artisan', 'queue:work', '--sleep=${QUEUE_SLEEP}'], 'a list: the value of QUEUE_SLEEP stays one word');
  assert.equal(data.processes.w.stop, undefined, 'no timeout guessed');
  for (const said of [/numprocs=%\(ENV_QUEUE_WORKERS\)s: not a number here/, /stopwaitsecs=\$\{QUEUE_TIMEOUT\}: not a number here/, /autostart=\$\{ENABLE\}: not true or false here/]) {
    assert.ok(report.some((l) => said.test(l)), `the report says ${said}`);
  }
  assert.ok(!report.some((l) => /Start after nginx/.test(l)), 'an inline # comment is a comment');
});

test('procfile: a line that is not "name: command" is said, not skipped silently', async () => {
  const { data, report } = await imported({ Procfile: 'web: a\nthis is not an entry\n# a comment\n' });
  assert.deepEqual(Object.keys(data.processes), ['web']);
  assert.ok(report.some((l) => /not mapped: line 2 "this is not an entry"/.test(l)));
  assert.ok(!report.some((l) => /a comment/.test(l)));
});

test('compose: a .env beside the file that filled ${VAR} is said, since a pitfile reads the environment only', async () => {
  const withDotenv = await imported({ 'compose.yaml': 'services:\n  a:\n    command: echo ${GREETING}\n', '.env': 'GREETING=hi\n' });
  assert.ok(withDotenv.report.some((l) => /filled from the \.env beside the file/.test(l)));
  const without = await imported({ 'compose.yaml': 'services:\n  a:\n    command: echo $$HOME\n', '.env': 'GREETING=hi\n' });
  assert.ok(!without.report.some((l) => /\.env beside/.test(l)), 'no reference, no note');
});
