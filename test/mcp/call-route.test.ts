// POST /v1/mcp/calls on a real engine: a call becomes an mcp:<tool>:call
// event in the journal, answers as schemas/control.openapi.json says, and
// anything else is refused without an event.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { makeProject } from '../helpers/project.js';
import { runEngineProcess } from '../helpers/engine-process.js';
import { repoRoot } from '../helpers/paths.js';
import { until } from '../helpers/wait.js';
import { ApiError, ControlClient } from '../../core/control/client.js';

const spec = JSON.parse(readFileSync(join(repoRoot, 'schemas', 'control.openapi.json'), 'utf8'));
const ajv = new Ajv2020({ strict: false, validateFormats: false });
ajv.addSchema(spec, 'control');
const schemaOf = (status: number) => ajv.compile({ $ref: `control#/paths/~1v1~1mcp~1calls/post/responses/${status}/content/application~1json/schema` });

const dir = makeProject({ 'pitfile.yaml': 'version: 1\nprocesses:\n  idle:\n    command: ["node", "-e", "setInterval(() => {}, 1000)"]\n' });
const engine = runEngineProcess(dir);
await engine.waitFor(/listening on/);
const client = new ControlClient(join(dir, '.pit', 'engine.sock'));

test('a tool call is journaled as mcp:<tool>:call with its arguments, client and a reason', async () => {
  const answer = await client.call<{ id: string }>('POST', '/v1/mcp/calls', { tool: 'restart', arguments: { names: ['idle'] }, allowed: false, client: 'claude-code 2.0' });
  assert.ok(schemaOf(200)(answer), JSON.stringify(answer));
  const row = await until(async () => (await client.call<{ events: any[] }>('GET', '/v1/events?type=mcp:restart:call')).events[0], 10_000, 'the mcp:restart:call row');
  assert.equal(row.id, answer.id);
  assert.equal(row.name, 'mcp:restart:call');
  assert.deepEqual(row.arguments, { names: ['idle'] });
  assert.equal(row.allowed, false);
  assert.equal(row.client, 'claude-code 2.0');
  assert.equal(row.reason, 'called by claude-code 2.0 through engine mcp');
});

test('a call with a tool name that is no event subject, or fields it does not know, is refused and journals nothing', async () => {
  for (const body of [
    { tool: 'a:b', arguments: {}, allowed: true },
    { tool: '*', arguments: {}, allowed: true },
    { tool: 'logs', arguments: [], allowed: true },
    { tool: 'logs', arguments: {}, allowed: 'yes' },
    { tool: 'logs', arguments: {}, allowed: true, cause: 'x' },
  ]) {
    const e = await client.call('POST', '/v1/mcp/calls', body).then(() => null, (x) => x);
    assert.ok(e instanceof ApiError, JSON.stringify(body));
    assert.equal(e.status, 400);
    assert.equal(e.code, 'PIT_E_CONTROL_BAD_REQUEST');
    assert.ok(schemaOf(400)(e.body));
  }
  const { events } = await client.call<{ events: any[] }>('GET', '/v1/events?type=mcp:*:call');
  assert.deepEqual(events.map((e) => e.name), ['mcp:restart:call'], 'only the first test\'s call');
});

test('a start, stop or restart names the event given as its cause; a cause that is no event id is refused and nothing restarts', async () => {
  const pidOf = async () => (await client.call<{ pid: number }>('GET', '/v1/processes/idle')).pid;
  const before = await pidOf();
  const e = await client.call('POST', '/v1/processes/restart', { names: ['idle'], via: 'mcp', cause: 'x y' }).then(() => null, (x) => x);
  assert.ok(e instanceof ApiError);
  assert.equal(e.status, 400);
  assert.match(e.message, /cause is an event id/);
  assert.equal(await pidOf(), before);
  const { id } = await client.call<{ id: string }>('POST', '/v1/mcp/calls', { tool: 'restart', arguments: { names: ['idle'] }, allowed: true });
  await client.call('POST', '/v1/processes/restart', { names: ['idle'], via: 'mcp', cause: id });
  assert.notEqual(await pidOf(), before);
  const { events } = await client.call<{ events: any[] }>('GET', '/v1/events?type=process:idle:state&limit=50');
  assert.ok(events.filter((s) => s.cause === id).map((s) => s.to).join(' ').includes('stopping'), JSON.stringify(events));
});
