// engine validate: check the pitfile and say what is wrong, all at once.
import type { Command } from 'commander';
import { PitfileError, displayPath } from '../errors.js';
import { exitCodes, reportError } from './output.js';

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .summary('check the pitfile and report every problem with file:line:column')
    .description('Check the pitfile (with pitfile.local.yaml and ${VAR} interpolation) and report every problem at once.')
    .option('--json', 'print an array of {file, line, column, path, code, message, fix}')
    .option('--check-plugins', "also load each listed plugin to check its options (runs the plugins' code)")
    .addHelpText('after', `
Exit codes: 0 valid, 1 invalid, 2 bad usage.

Validating runs no code of the project; --check-plugins does (it imports each plugin).

Examples:
  engine validate
  engine validate --check-plugins
  engine validate --config deploy/pitfile.yaml --json`)
    .action(async (opts: { json?: boolean; checkPlugins?: boolean }, cmd: Command) => {
      const { config } = cmd.optsWithGlobals<{ config?: string }>();
      try {
        const { loadPitfile } = await import('../config/load.js');
        const { pitfile } = await loadPitfile({ config, plugins: opts.checkPlugins === true });
        if (opts.json) process.stdout.write('[]\n');
        else {
          const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
          process.stdout.write(
            `${displayPath(pitfile.file)} is valid: ${count(Object.keys(pitfile.processes).length, 'process', 'processes')}, ` +
              `${count(Object.keys(pitfile.watchers).length, 'watcher')}, ${count(pitfile.reactions.length, 'reaction')}\n`,
          );
        }
        process.exitCode = exitCodes.ok;
      } catch (e) {
        if (opts.json && e instanceof PitfileError) {
          process.stdout.write(JSON.stringify(e.errors.map((x) => x.toJSON()), null, 2) + '\n');
          process.exitCode = exitCodes.failed;
        } else process.exitCode = reportError(e);
      }
    });
}
