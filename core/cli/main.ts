#!/usr/bin/env -S node --max-semi-space-size=1 --no-memory-reducer
// The `engine` command: wires one file per verb; no logic lives here. A verb
// file imports only what defines the command; its action imports the rest,
// so one verb (or --version) does not load every verb's implementation.
import { Command, CommanderError } from 'commander';
import { registerValidate } from './validate.js';
import { registerInit } from './init.js';
import { registerConfig } from './config-show.js';
import { registerRun } from './run.js';
import { registerStatus } from './status.js';
import { registerProcessActions } from './process-actions.js';
import { registerLogs } from './logs.js';
import { registerReload } from './reload.js';
import { registerShutdown } from './shutdown.js';
import { registerHealth } from './health.js';
import { registerDoctor } from './doctor.js';
import { builtins } from '../plugins/builtins.js';
import { registerEvents } from './events.js';
import { registerWhy } from './why.js';
import { registerExport } from './export.js';
import { registerService } from './service.js';
import { registerImport } from './import.js';
import { registerMcp } from './mcp.js';
import { registerScale } from './scale.js';
import { exitCodes } from './output.js';
import { version } from '../version.js';


/** The whole CLI, built fresh so tests can run it in-process. */
export function buildProgram(): Command {
  const program = new Command('engine')
    .description('Pit: keep processes running, watch files and cron, react, self-heal Python. Driven by pitfile.yaml.')
    .version(version)
    .option('-c, --config <file>', 'use this pitfile instead of searching from the current directory upward')
    .showHelpAfterError('(run "engine --help" for usage)')
    .exitOverride()
    .addHelpText('after', `
Examples:
  engine init                      # write a starter pitfile.yaml
  engine import Procfile           # a pitfile from a Procfile, ecosystem.config.js, supervisord.conf, compose.yaml…
  engine validate                  # check it, every problem with file:line:column
  engine run                       # start everything and supervise it
  engine status                    # from another terminal: what runs, CPU, memory
  engine restart api               # act on the running engine
  engine logs -f                   # follow every process's output
  engine why api                   # why api last restarted: the chain of causes
  engine config show               # the pitfile after local overrides and \${VAR}
  engine config set processes.api.restart.policy on-failure
  engine doctor                    # what on this machine would get in the way`);
  program.configureHelp({ showGlobalOptions: true });
  registerValidate(program);
  registerInit(program);
  registerConfig(program);
  registerRun(program);
  registerStatus(program);
  registerProcessActions(program);
  registerLogs(program);
  registerReload(program);
  registerShutdown(program);
  registerHealth(program);
  registerDoctor(program);
  // The built-in plugins' verbs (python-installer: engine install), where engine install always stood in the help.
  for (const { definition } of builtins()) definition.commands?.(program);
  registerEvents(program);
  registerWhy(program);
  registerExport(program);
  registerService(program);
  registerImport(program);
  registerMcp(program);
  registerScale(program);
  return program;
}

/** Run the CLI; resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv, { from: 'user' });
    return Number(process.exitCode ?? exitCodes.ok);
  } catch (e) {
    if (e instanceof CommanderError) {
      const shown = ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(e.code);
      return shown ? exitCodes.ok : exitCodes.usage;
    }
    throw e;
  }
}

// A reader that stops early (engine export systemd | head) is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
});
process.exitCode = await main(process.argv.slice(2));
