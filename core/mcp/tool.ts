// What one tool of `engine mcp` is: a name, a description an agent reads, an
// input schema (zod, which the MCP SDK is built on), whether it changes the
// running project, and what it does. The server (server.ts) lists, checks,
// journals and runs them; read-tools.ts and control-tools.ts define them.
import type { z } from 'zod';
import type { ProjectEngine } from '../control/client.js';

/** What a tool may use: the project's engine, found anew on each call (it may start or stop while the server runs). */
export interface ToolContext {
  project(): Promise<ProjectEngine>;
  /** The global --config, when given. */
  config: string | undefined;
  cwd: string;
  /** This call's mcp:<tool>:call event, the cause of what it does; null when no engine journaled it. */
  callId: string | null;
}

/** A tool's answer: JSON data, and a line the agent reads before it (what the data is, and what it must not take it for). */
export interface ToolAnswer {
  data: Record<string, unknown>;
  note?: string;
}

export interface PitTool<S extends z.ZodObject = z.ZodObject> {
  name: string;
  description: string;
  input: S;
  /** It changes the running project (a process, the pitfile): listed and run only with --allow-control. */
  control: boolean;
  run(args: z.infer<S>, ctx: ToolContext): Promise<ToolAnswer>;
}

/** A tool, typed by its input schema. */
export const defineTool = <S extends z.ZodObject>(t: PitTool<S>): PitTool => t as unknown as PitTool;
