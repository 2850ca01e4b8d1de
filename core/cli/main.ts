#!/usr/bin/env -S node --max-semi-space-size=1 --no-memory-reducer
// The `engine` command: wires one file per verb; no logic lives here. A verb
// file imports only what defines the command; its action imports the rest,
// so one verb (or --version) does not load every verb's implementation; and
// a command line that names a verb loads only that verb's file.
import module from 'node:module';
import { Command, CommanderError } from 'commander';
import { exitCodes } from './output.js';
import { version } from '../version.js';

// Node ≥ 22.1 keeps the compiled code of every module loaded after this
// line (the verb's, the pitfile loader's, yaml, the engine) on disk for the
// next start; Node 20 has no such cache and skips it. NODE_DISABLE_COMPILE_CACHE=1 turns it off.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

type Register = (program: Command) => void;

/**
 * Each verb file's registration, in help order, with the verbs it adds. A
 * command line that names one of them loads that file alone (`engine run`
 * starts its children without reading the other 20 verbs' modules); no verb,
 * --help or a verb not listed here (a plugin's) loads them all.
 */
const registrations: [verbs: string[], load: () => Promise<Register>][] = [
  [['validate'], async () => (await import('./validate.js')).registerValidate],
  [['init'], async () => (await import('./init.js')).registerInit],
  [['config'], async () => (await import('./config-show.js')).registerConfig],
  [['run'], async () => (await import('./run.js')).registerRun],
  [['status'], async () => (await import('./status.js')).registerStatus],
  [['start', 'stop', 'restart'], async () => (await import('./process-actions.js')).registerProcessActions],
  [['logs'], async () => (await import('./logs.js')).registerLogs],
  [['reload'], async () => (await import('./reload.js')).registerReload],
  [['shutdown'], async () => (await import('./shutdown.js')).registerShutdown],
  [['health'], async () => (await import('./health.js')).registerHealth],
  [['doctor'], async () => (await import('./doctor.js')).registerDoctor],
  // The built-in plugins' verbs (python-installer: engine install), where engine install always stood in the help.
  [[], async () => {
    const { builtins } = await import('../plugins/builtins.js');
    return (program) => builtins().forEach(({ definition }) => definition.commands?.(program));
  }],
  [['events'], async () => (await import('./events.js')).registerEvents],
  [['why'], async () => (await import('./why.js')).registerWhy],
  [['export'], async () => (await import('./export.js')).registerExport],
  [['service'], async () => (await import('./service.js')).registerService],
  [['import'], async () => (await import('./import.js')).registerImport],
  [['mcp'], async () => (await import('./mcp.js')).registerMcp],
  [['scale'], async () => (await import('./scale.js')).registerScale],
  [['dashboard'], async () => (await import('./dashboard.js')).registerDashboard],
];

/**
 * The CLI, built fresh so tests can run it in-process: with `verb` one of
 * the registrations' verbs, that verb's file alone; otherwise every verb.
 */
export async function buildProgram(verb: string | null = null): Promise<Command> {
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
  const own = registrations.find(([verbs]) => verb !== null && verbs.includes(verb));
  const loads = own ? [own[1]] : registrations.map(([, load]) => load);
  for (const register of await Promise.all(loads.map((load) => load()))) register(program);
  return program;
}

/**
 * The verb a command line names (`engine -c x.yaml run` → run), or null when
 * another option comes first (`engine --help run` shows the whole CLI's help).
 */
export function verbOf(argv: string[]): string | null {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '-c' || argv[i] === '--config') i++;
    else if (argv[i].startsWith('--config=')) continue;
    else return argv[i].startsWith('-') ? null : argv[i];
  }
  return null;
}

/** Run the CLI; resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  try {
    await (await buildProgram(verbOf(argv))).parseAsync(argv, { from: 'user' });
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
