// engine config: show the pitfile as the engine sees it, after layering and
// interpolation.
import type { Command } from 'commander';
import { exitCodes, reportError } from './output.js';
import { registerConfigEdit } from './config-edit.js';

export function registerConfig(program: Command): void {
  const config = program
    .command('config')
    .summary('show the resolved pitfile, read or change one setting')
    .addHelpText('after', `
Examples:
  engine config show                      # the pitfile as the engine reads it
  engine config get processes.api.restart # one setting, defaults marked
  engine config set processes.api.env.PORT 8080`);
  config
    .command('show')
    .summary('print the pitfile after pitfile.local.yaml and ${VAR} are applied')
    .option('--json', 'print the resolved model (defaults applied, durations in ms, paths absolute) as JSON')
    .addHelpText('after', `
Examples:
  engine config show
  PORT=9000 engine config show --json`)
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const { config: file } = cmd.optsWithGlobals<{ config?: string }>();
      try {
        const { loadPitfile } = await import('../config/load.js');
        const { stringify } = await import('yaml');
        const { pitfile, data } = await loadPitfile({ config: file });
        process.stdout.write(opts.json ? JSON.stringify(pitfile, null, 2) + '\n' : stringify(data));
        process.exitCode = exitCodes.ok;
      } catch (e) {
        process.exitCode = reportError(e);
      }
    });
  registerConfigEdit(config);
}
