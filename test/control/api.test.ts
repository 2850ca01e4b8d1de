// The control API against a real `engine run`: every answer is checked
// against schemas/control.openapi.json, and bad requests leave the engine
// unharmed.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'node:http';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { makeProject } from '../helpers/project.js';
import { runEngineProcess, type RunningEngine } from '../helpers/engine-process.js';
import { repoRoot } from '../helpers/paths.js';
import { until, within } from '../helpers/wait.js';
import { ControlClient, ApiError } from '../../core/control/client.js';
import parsePrometheus from 'parse-prometheus-text-format';

const spec = JSON.parse(readFileSync(join(repoRoot, 'schemas', 'control.openapi.json'), 'utf8'));
const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
ajv.addSchema(spec, 'control');
const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

/** Assert `body` is what the spec says `method path` answers with `status`. */
function conforms(method: string, path: string, status: number, body: unknown): void {
  const ref = `control#/${pointer('paths', path, method.toLowerCase(), 'responses', String(status), 'content', 'application/json', 'schema')}`;
  const validate = ajv.compile({ $ref: ref });
  assert.ok(validate(body), `${method} ${path} ${status} does not match the spec: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body)}`);
}

/** A raw request, for what the client would never send. */
function raw(socketPath: string, method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, method, path, headers }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, json: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

// Started at the top level, not in before(): the helper's own after() must
// belong to the file, not to a hook.
const dir = makeProject({
    'pitfile.yaml': `version: 1
processes:
  talker:
    command: ["node", "-e", "let n = 0; setInterval(() => { console.log('line ' + n); console.error('err ' + n++); }, 100)"]
  idle:
    command: ["node", "-e", "setInterval(() => {}, 1000)"]
`,
});
const socket = () => join(dir, '.pit', 'engine.sock');
const engine: RunningEngine = runEngineProcess(dir);
await engine.waitFor(/listening on/);
const client = new ControlClient(socket());

after(async () => {
  engine.child.kill('SIGTERM');
  await engine.exited;
});

test('the socket and its folder are for the owner only', () => {
  assert.equal(statSync(socket()).mode & 0o777, 0o600);
  assert.equal(statSync(join(dir, '.pit')).mode & 0o777, 0o700);
});

test('engine info, processes, one process, config and health match the spec', async () => {
  const info = await client.call('GET', '/v1/engine');
  conforms('GET', '/v1/engine', 200, info);
  assert.equal(info.pid, engine.child.pid);
  const list = await client.call<{ processes: { name: string; state: string; pid: number; memory_bytes: number }[] }>('GET', '/v1/processes');
  conforms('GET', '/v1/processes', 200, list);
  assert.deepEqual(list.processes.map((p) => p.name), ['talker', 'idle']);
  const one = await client.call('GET', '/v1/processes/idle');
  conforms('GET', '/v1/processes/{name}', 200, one);
  assert.equal(one.state, 'running');
  assert.ok((one.memory_bytes as number) > 1_000_000, 'the memory of a running node process is measured');
  conforms('GET', '/v1/config', 200, await client.call('GET', '/v1/config'));
  const health = await client.call('GET', '/v1/health');
  conforms('GET', '/v1/health', 200, health);
  assert.equal(health.status, 'OK');
});

test('restart answers with the new pid once the process runs again', async () => {
  const before = await client.call<{ pid: number }>('GET', '/v1/processes/idle');
  const out = await client.call<{ results: { name: string; ok: boolean; state: string; pid: number }[] }>('POST', '/v1/processes/restart', { names: ['idle'] });
  conforms('POST', '/v1/processes/{action}', 200, out);
  assert.equal(out.results[0].ok, true);
  assert.equal(out.results[0].state, 'running');
  assert.notEqual(out.results[0].pid, before.pid);
});

test('stop and start several by name, and all', async () => {
  const stopped = await client.call<{ results: { state: string }[] }>('POST', '/v1/processes/stop', { names: ['idle'] });
  assert.equal(stopped.results[0].state, 'stopped');
  const started = await client.call<{ results: { name: string; state: string }[] }>('POST', '/v1/processes/start', { names: ['all'] });
  assert.deepEqual(started.results.map((r) => [r.name, r.state]), [['talker', 'running'], ['idle', 'running']]);
});

test('logs: the last lines merged from both streams, and a follow stream of new ones', async () => {
  type Lines = { lines: { process: string; stream: string; line: string }[] };
  // The log file is the only witness of lines already printed: poll it.
  const { lines } = await until(async (): Promise<Lines | null> => {
    const r = await client.call<Lines>('GET', '/v1/logs?process=talker&lines=6');
    return r.lines.length === 6 ? r : null;
  }, 10_000, 'six lines of talker in its log');
  conforms('GET', '/v1/logs', 200, { lines });
  assert.ok(lines.some((l) => l.stream === 'out' && /^line \d+$/.test(l.line)));
  assert.ok(lines.some((l) => l.stream === 'err' && /^err \d+$/.test(l.line)));
  // Following: a line printed after the request arrives on the stream.
  const ac = new AbortController();
  const got: string[] = [];
  const following = new Promise<void>((resolve) => {
    const req = request({ socketPath: socket(), path: '/v1/logs?process=talker&lines=0&follow=1', signal: ac.signal }, (res) => {
      assert.equal(res.headers['content-type'], 'text/event-stream');
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        got.push(d);
        if (got.join('').includes('event: line')) resolve();
      });
    });
    req.on('error', () => {});
    req.end();
  });
  await within(following, 10_000, 'a followed log line');
  ac.abort(); // a client that leaves mid-stream
  assert.match(got.join(''), /"line":"(line|err) \d+"/);
  assert.equal((await client.call<{ state: string }>('GET', '/v1/processes/talker')).state, 'running', 'the engine is unharmed');
});

test('the event stream delivers state changes as they happen', async () => {
  const events: { name: string; to?: string }[] = [];
  const ac = new AbortController();
  const seen = new Promise<void>((resolve) => {
    const req = request({ socketPath: socket(), path: '/v1/events/stream?type=process:idle:state', signal: ac.signal }, (res) => {
      res.setEncoding('utf8');
      let buf = '';
      res.on('data', (d: string) => {
        buf += d;
        for (const m of buf.matchAll(/^data: (.*)$/gm)) events.push(JSON.parse(m[1]));
        buf = buf.slice(buf.lastIndexOf('\n') + 1);
        if (events.some((e) => e.to === 'running')) resolve();
      });
      // Subscribed once the headers are in: now cause the events.
      void client.call('POST', '/v1/processes/restart', { names: ['idle'] });
    });
    req.on('error', () => {});
    req.end();
  });
  await within(seen, 10_000, 'process:idle:state events');
  ac.abort();
  assert.ok(events.every((e) => e.name === 'process:idle:state'));
  assert.ok(events.some((e) => e.to === 'stopping'));
});

test('events: the journal by type, time and process, as the spec says', async () => {
  await until(async () => (await client.call<{ events: unknown[] }>('GET', '/v1/events?type=process:*:state')).events.length >= 4, 10_000, 'state events in the journal');
  const all = await raw(socket(), 'GET', '/v1/events?type=process:*:state&limit=3');
  assert.equal(all.status, 200);
  conforms('GET', '/v1/events', 200, all.json);
  assert.equal(all.json.events.length, 3);
  assert.ok(all.json.events.every((e: { name: string }) => /^process:[a-z]+:state$/.test(e.name)));
  const times = all.json.events.map((e: { at: number }) => e.at);
  assert.deepEqual(times, [...times].sort((a, b) => a - b), 'oldest first');
  const idle = await client.call<{ events: { name: string; at: number }[] }>('GET', '/v1/events?process=idle');
  assert.ok(idle.events.length && idle.events.every((e) => e.name.startsWith('process:idle:')));
  const later = await client.call<{ events: unknown[] }>('GET', `/v1/events?since=${Date.now() + 60_000}`);
  assert.deepEqual(later.events, []);
  const bad = await raw(socket(), 'GET', '/v1/events?type=a:b:c:d');
  assert.equal(bad.status, 400);
  conforms('GET', '/v1/events', 400, bad.json);
  assert.equal((await raw(socket(), 'GET', '/v1/events?limit=-1')).status, 400);
});

test('/metrics is Prometheus text with per-process and event metrics', async () => {
  const text = await new Promise<string>((resolve, reject) => {
    const req = request({ socketPath: socket(), path: '/metrics' }, (res) => {
      assert.match(String(res.headers['content-type']), /^text\/plain; version=0\.0\.4/);
      let t = '';
      res.on('data', (d) => (t += d));
      res.on('end', () => resolve(t));
    });
    req.on('error', reject);
    req.end();
  });
  const families = parsePrometheus(text) as { name: string; metrics: { labels?: Record<string, string>; value?: string }[] }[];
  const value = (name: string, labels: Record<string, string>) =>
    families.find((f) => f.name === name)?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v))?.value;
  assert.equal(value('pit_process_up', { process: 'idle' }), '1');
  assert.equal(value('pit_process_state', { process: 'idle', state: 'running' }), '1');
  assert.equal(value('pit_process_state', { process: 'idle', state: 'fatal' }), '0');
  assert.ok(Number(value('pit_process_memory_bytes', { process: 'talker' })) > 1e6);
  assert.equal(value('pit_process_heals_total', { process: 'idle' }), '0');
  assert.ok(Number(value('pit_events_total', { type: 'process:state' })) >= 4);
  assert.ok(Number(value('pit_engine_uptime_seconds', {})) >= 0);
  assert.ok(families.some((f) => f.name === 'pit_engine_nodejs_heap_size_used_bytes'));
});

test('config source, validate and save: refused with every problem when invalid, saved as typed when valid', async () => {
  const file = join(dir, 'pitfile.yaml');
  const source = await raw(socket(), 'GET', '/v1/config/source');
  conforms('GET', '/v1/config/source', 200, source.json);
  assert.equal(source.json.text, readFileSync(file, 'utf8'));
  const json = { 'content-type': 'application/json' };
  const bad = source.json.text.replace('  idle:', '  idle:\n    restart: { policy: sometimes }');
  const checked = await raw(socket(), 'POST', '/v1/config/validate', JSON.stringify({ text: bad }), json);
  conforms('POST', '/v1/config/validate', 200, checked.json);
  assert.match(checked.json.errors[0].message, /must be one of always, on-failure, never/);
  assert.equal(checked.json.errors[0].line, 6);
  const refused = await raw(socket(), 'PUT', '/v1/config/source', JSON.stringify({ text: bad }), json);
  assert.equal(refused.status, 422);
  conforms('PUT', '/v1/config/source', 422, refused.json);
  assert.equal(readFileSync(file, 'utf8'), source.json.text, 'the file is untouched');
  const good = `# a comment kept\n${source.json.text}`;
  // A valid text also says what saving it would change, as a reload would.
  const same = await raw(socket(), 'POST', '/v1/config/validate', JSON.stringify({ text: good }), json);
  conforms('POST', '/v1/config/validate', 200, same.json);
  assert.deepEqual(same.json, { errors: [], changes: { added: [], removed: [], changed: [] } });
  const slower = await raw(socket(), 'POST', '/v1/config/validate', JSON.stringify({ text: source.json.text.replace('  idle:', '  idle:\n    stop: { timeout: 3s }') }), json);
  conforms('POST', '/v1/config/validate', 200, slower.json);
  assert.deepEqual(slower.json.changes, { added: [], removed: [], changed: [{ name: 'idle', keys: ['processes.idle.stop.timeout'] }] });
  assert.equal(checked.json.changes, undefined, 'an invalid text changes nothing');
  const saved = await raw(socket(), 'PUT', '/v1/config/source', JSON.stringify({ text: good }), json);
  assert.equal(saved.status, 200);
  conforms('PUT', '/v1/config/source', 200, saved.json);
  assert.equal(readFileSync(file, 'utf8'), good);
  // Back as it was: the tests after this one edit the same file.
  await raw(socket(), 'PUT', '/v1/config/source', JSON.stringify({ text: source.json.text }), json);
  const missing = await raw(socket(), 'POST', '/v1/config/validate', '{}', json);
  assert.equal(missing.status, 400);
  conforms('POST', '/v1/config/validate', 400, missing.json);
});

test('reload applies a saved pitfile, and refuses an invalid one with every problem', async () => {
  const file = join(dir, 'pitfile.yaml');
  const good = readFileSync(file, 'utf8');
  writeFileSync(file, good.replace('idle:\n', 'idle:\n    restart: { policy: sometimes }\n'));
  const refused = await raw(socket(), 'POST', '/v1/reload');
  assert.equal(refused.status, 422);
  conforms('POST', '/v1/reload', 422, refused.json);
  assert.deepEqual(refused.json.errors.map((e: { code: string; line: number }) => [e.code, e.line]), [['PIT_E_CONFIG_ENUM', 6]]);
  writeFileSync(file, good);
  const applied = await client.call('POST', '/v1/reload');
  conforms('POST', '/v1/reload', 200, applied);
});

test('bad requests get a clear error and leave the engine unharmed', async () => {
  const cases: [string, string, string | undefined, number, string][] = [
    ['GET', '/v1/processes/nope', undefined, 404, 'PIT_E_CONTROL_UNKNOWN_PROCESS'],
    ['POST', '/v1/processes/restart', JSON.stringify({ names: ['nope'] }), 404, 'PIT_E_CONTROL_UNKNOWN_PROCESS'],
    ['POST', '/v1/processes/restart', '{"names": [', 400, 'PIT_E_CONTROL_BAD_REQUEST'],
    ['POST', '/v1/processes/restart', JSON.stringify({ names: 'idle' }), 400, 'PIT_E_CONTROL_BAD_REQUEST'],
    ['POST', '/v1/processes/explode', JSON.stringify({ names: ['idle'] }), 400, 'PIT_E_CONTROL_BAD_REQUEST'],
    ['POST', '/v1/processes/restart', JSON.stringify({ names: ['x'.repeat(100_000)] }), 413, 'PIT_E_CONTROL_BODY_TOO_LARGE'],
    ['GET', '/v1/logs?lines=ten', undefined, 400, 'PIT_E_CONTROL_BAD_REQUEST'],
    ['GET', '/v1/events/stream?type=a::b', undefined, 400, 'PIT_E_CONTROL_BAD_REQUEST'],
    ['GET', '/v1/nothing-here', undefined, 404, 'PIT_E_CONTROL_NOT_FOUND'],
  ];
  for (const [method, path, body, status, code] of cases) {
    const r = await raw(socket(), method, path, body, body ? { 'content-type': 'application/json' } : {});
    assert.equal(r.status, status, `${method} ${path}`);
    assert.equal(r.json.error.code, code, `${method} ${path}`);
    assert.ok(r.json.error.message.length > 0);
  }
  await assert.rejects(client.call('GET', '/v1/processes/nope'), (e: unknown) => e instanceof ApiError && e.status === 404);
  assert.equal((await client.call<{ state: string }>('GET', '/v1/processes/talker')).state, 'running');
});

test('ten followers that never read do not slow the engine down', async () => {
  const acs = Array.from({ length: 10 }, () => new AbortController());
  for (const ac of acs) {
    const req = request({ socketPath: socket(), path: '/v1/logs?follow=1&lines=1000', signal: ac.signal }, (res) => res.pause());
    req.on('error', () => {});
    req.end();
  }
  // Restarts and answers go on while they hold their streams open.
  for (let i = 0; i < 3; i++) {
    const out = await within(client.call<{ results: { state: string }[] }>('POST', '/v1/processes/restart', { names: ['idle'] }), 10_000, 'a restart with ten followers');
    assert.equal(out.results[0].state, 'running');
  }
  acs.forEach((ac) => ac.abort());
});

test('shutdown answers, then stops every process and the engine', async () => {
  const pids = (await client.call<{ processes: { pid: number }[] }>('GET', '/v1/processes')).processes.map((p) => p.pid);
  const r = await raw(socket(), 'POST', '/v1/shutdown');
  assert.equal(r.status, 202);
  conforms('POST', '/v1/shutdown', 202, r.json);
  assert.equal(await within(engine.exited, 15_000, 'the engine to exit'), 0);
  for (const pid of pids) assert.throws(() => process.kill(pid, 0), `pid ${pid} is gone`);
  await assert.rejects(client.call('GET', '/v1/engine'), /no engine is running/);
});

test('replicas: processes list each replica with its group, scale and a rolling restart answer as the spec says, bad scales are 400', async () => {
  const rdir = makeProject({ 'pitfile.yaml': 'version: 1\nprocesses:\n  api: { command: ["node", "-e", "setInterval(() => {}, 1000)"], replicas: 2 }\n  one: { command: ["node", "-e", "setInterval(() => {}, 1000)"] }\n' });
  const run = runEngineProcess(rdir);
  await run.waitFor(/listening on/);
  const rc = new ControlClient(join(rdir, '.pit', 'engine.sock'));
  const scaled = await rc.call('POST', '/v1/scale', { name: 'api', replicas: 3 });
  conforms('POST', '/v1/scale', 200, scaled);
  assert.deepEqual(scaled, { name: 'api', replicas: 3, pitfile: 2, started: ['api.3'], stopped: [] });
  const list = await rc.call<{ processes: { name: string; replica: unknown }[] }>('GET', '/v1/processes');
  conforms('GET', '/v1/processes', 200, list);
  assert.deepEqual(list.processes.map((p) => [p.name, p.replica]), [
    ['api.1', { group: 'api', index: 1, count: 3, pitfile: 2 }],
    ['api.2', { group: 'api', index: 2, count: 3, pitfile: 2 }],
    ['one', null],
    ['api.3', { group: 'api', index: 3, count: 3, pitfile: 2 }],
  ]);
  const rolled = await rc.call<{ results: { name: string; ok: boolean }[] }>('POST', '/v1/processes/restart', { names: ['api'], rolling: true });
  conforms('POST', '/v1/processes/{action}', 200, rolled);
  assert.deepEqual(rolled.results.map((r) => [r.name, r.ok]), [['api.1', true], ['api.2', true], ['api.3', true]]);
  for (const [body, code] of [[{ name: 'one', replicas: 2 }, 'PIT_E_PROCESS_SCALE'], [{ name: 'api', replicas: 65 }, 'PIT_E_PROCESS_SCALE'], [{ name: 'api' }, 'PIT_E_CONTROL_BAD_REQUEST']] as const) {
    const r = await raw(join(rdir, '.pit', 'engine.sock'), 'POST', '/v1/scale', JSON.stringify(body), { 'content-type': 'application/json' });
    assert.deepEqual([r.status, r.json.error.code], [400, code], JSON.stringify(body));
    conforms('POST', '/v1/scale', 400, r.json);
  }
  const stopRolling = await raw(join(rdir, '.pit', 'engine.sock'), 'POST', '/v1/processes/stop', JSON.stringify({ names: ['api'], rolling: true }), { 'content-type': 'application/json' });
  assert.equal(stopRolling.status, 400, 'rolling is for restart only');
});
