// engine mcp: serve this project to a coding agent over the Model Context
// Protocol on stdin/stdout. The agent starts it; it reaches the engine
// through the control socket like every other verb.
import type { Command } from 'commander';

export function registerMcp(program: Command): void {
  program
    .command('mcp')
    .summary('serve this project to a coding agent over the Model Context Protocol (stdio); read-only unless --allow-control')
    .option('--allow-control', 'also offer start, stop, restart and config_set (they change the running project)')
    .addHelpText('after', `
Tools: status, logs, events, why, health, validate, config_get; with
--allow-control also start, stop, restart, config_set. Without it those are
not listed, and a call to one is refused (PIT_E_MCP_CONTROL_DISABLED). Every
call is journaled as mcp:<tool>:call with its arguments (engine events
--type 'mcp:*'). The agent starts this command; see docs/mcp.md.

Examples:
  claude mcp add pit -- engine mcp                     # Claude Code, read-only
  claude mcp add pit -- engine mcp --allow-control     # may also restart processes
  engine mcp --config deploy/pitfile.yaml              # another pitfile`)
    .action(async (opts: { allowControl?: boolean }, cmd: Command) => {
      const { config } = cmd.optsWithGlobals<{ config?: string }>();
      const { serveMcp } = await import('../mcp/server.js');
      await serveMcp({ allowControl: opts.allowControl === true, config, cwd: process.cwd() });
    });
}
