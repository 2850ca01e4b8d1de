// The engine's side of `engine mcp`: POST /v1/mcp/calls puts each tool call
// a coding agent makes on the bus as mcp:<tool>:call, so the journal keeps
// it beside what it caused, and a reaction or plugin may watch for it. The
// MCP server sends it before the tool runs, refused calls too.
import type { Engine } from '../engine.js';
import { badRequest, type Api } from '../control/http.js';

/** A tool's name is an event's subject: no ':' and no '*', short. */
const TOOL_NAME = /^[a-z][a-z0-9_]{0,63}$/;
const MAX_CLIENT_CHARS = 200;

export function registerMcpRoutes(app: Api, engine: Engine): void {
  app.post('/v1/mcp/calls', async (req) => {
    const { tool, arguments: args, allowed, client } = checkedCall(req.body);
    const e = engine.bus.publish('mcp:call', tool, { tool, arguments: args, allowed, client, reason: `called by ${client ?? 'a coding agent'} through engine mcp` });
    return { id: e.id };
  });
}

function checkedCall(body: unknown): { tool: string; arguments: Record<string, unknown>; allowed: boolean; client: string | null } {
  const b = (body ?? {}) as Record<string, unknown>;
  if (typeof b.tool !== 'string' || !TOOL_NAME.test(b.tool)) throw badRequest(`tool must be a tool's name (a-z, 0-9, _), got ${JSON.stringify(b.tool)}`);
  if (!b.arguments || typeof b.arguments !== 'object' || Array.isArray(b.arguments)) throw badRequest('arguments must be an object');
  if (typeof b.allowed !== 'boolean') throw badRequest('allowed must be true or false');
  const client = b.client ?? null;
  if (client !== null && (typeof client !== 'string' || client.length > MAX_CLIENT_CHARS)) throw badRequest(`client must be a string of at most ${MAX_CLIENT_CHARS} characters`);
  const extra = Object.keys(b).filter((k) => !['tool', 'arguments', 'allowed', 'client'].includes(k));
  if (extra.length) throw badRequest(`unknown field ${extra.map((k) => JSON.stringify(k)).join(', ')}`);
  return { tool: b.tool, arguments: b.arguments as Record<string, unknown>, allowed: b.allowed, client: client as string | null };
}
