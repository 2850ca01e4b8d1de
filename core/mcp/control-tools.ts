// The tools that change the running project, offered only to a server
// started with --allow-control: start, stop, restart (through the engine,
// as `engine restart` does; the state changes carry "restart (MCP: a coding
// agent)" as their reason and the mcp:restart:call event as their cause, so
// `engine why` names the agent) and config_set (the file, as `engine config set`;
// a running engine applies it by hot reload).
import { z } from 'zod';
import { displayPath } from '../errors.js';
import { defineTool, type PitTool } from './tool.js';
import { withEngine } from './engine-link.js';
import type { ActionResult } from '../control/routes/processes.js';

const verbs = {
  start: 'Start processes in dependency order, each once its depends_on holds; a start also forgives a spent restart budget (fatal). As `engine start`.',
  stop: 'Stop processes and their whole process groups, dependents first. As `engine stop`.',
  restart: 'Restart processes: stop them dependents first, then start them in dependency order; answers with each new pid. As `engine restart`.',
} as const;

const processTools = (Object.entries(verbs) as [keyof typeof verbs, string][]).map(([verb, description]) =>
  defineTool({
    name: verb,
    description,
    input: z.object({ names: z.array(z.string().min(1)).min(1).describe('process names, or ["all"]') }).strict(),
    control: true,
    async run({ names }, ctx) {
      const engine = await ctx.project();
      const { results } = await withEngine(engine, () => engine.client.call<{ results: ActionResult[] }>('POST', `/v1/processes/${verb}`, { names, via: 'mcp', cause: ctx.callId }));
      return { data: { ok: results.every((r) => r.ok), results } };
    },
  }),
);

const configSet = defineTool({
  name: 'config_set',
  description: 'Change one setting in the pitfile (or pitfile.local.yaml with local: true), keeping its comments and layout; refused with every problem when the result would be invalid. A running engine applies it by hot reload. As `engine config set <path> <value>`.',
  input: z
    .object({
      path: z.string().min(1).describe('keys joined by dots: processes.api.restart.policy'),
      value: z.string().describe('a YAML value: on-failure, 5s, 3, true, [a, b], {tcp: 8080}'),
      local: z.boolean().default(false).describe('write to pitfile.local.yaml beside the pitfile instead'),
    })
    .strict(),
  control: true,
  async run(args, ctx) {
    const { writeSetting } = await import('../cli/config-edit.js');
    const { value, target } = await writeSetting(ctx.config, args.path, args.value, args.local, ctx.cwd);
    return { data: { path: args.path, value: value as unknown, file: displayPath(target, ctx.cwd) } };
  },
});

/** Every tool that needs --allow-control. */
export const controlTools: PitTool[] = [...processTools, configSet];
