// engine validate: check the pitfile and say what is wrong, all at once,
// and what may not work (warnings: shown, fatal only with --strict).
import type { Command } from 'commander';
import { PitfileError, displayPath, formatPitWarning, type PitError } from '../errors.js';
import { exitCodes, reportError } from './output.js';

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .summary('check the pitfile and report every problem with file:line:column')
    .description('Check the pitfile (with pitfile.local.yaml and ${VAR} interpolation) and report every problem at once.')
    .option('--json', 'print an array of {severity, file, line, column, path, code, message, fix}')
    .option('--strict', 'fail on warnings too (a command not found on PATH, a watch path matching nothing, ...)')
    .option('--check-plugins', "also load each listed plugin to check its options (runs the plugins' code)")
    .addHelpText('after', `
Exit codes: 0 valid (warnings allowed), 1 invalid (or warnings, with --strict), 2 bad usage.

Besides the file itself it checks this machine: each cwd exists, each list
command's program is on PATH (a string command's: a warning), each watch path
matches a file, each cpu limit fits the cores. By stat and PATH lookup only:
validating runs no code of the project; --check-plugins does (it imports each plugin).

Examples:
  engine validate
  engine validate --strict             # in CI: warnings fail too
  engine validate --check-plugins
  engine validate --config deploy/pitfile.yaml --json`)
    .action(async (opts: { json?: boolean; checkPlugins?: boolean; strict?: boolean }, cmd: Command) => {
      const { config } = cmd.optsWithGlobals<{ config?: string }>();
      const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
      try {
        const { loadPitfile } = await import('../config/load.js');
        const { pitfile, warnings } = await loadPitfile({ config, plugins: opts.checkPlugins === true, machine: true });
        const failed = opts.strict === true && warnings.length > 0;
        process.exitCode = failed ? exitCodes.failed : exitCodes.ok;
        if (opts.json) return void process.stdout.write(asJson([], warnings));
        printWarnings(warnings);
        if (failed) return void process.stderr.write(`${displayPath(pitfile.file)}: ${count(warnings.length, 'warning')}, and --strict fails on warnings\n`);
        // Processes as written: api with replicas: 3 is one, run as three copies.
        const copies = Object.keys(pitfile.processes).length;
        const written = Object.values(pitfile.processes).filter((p) => !p.replica).length + Object.keys(pitfile.replicas).length;
        process.stdout.write(
          `${displayPath(pitfile.file)} is valid: ${count(written, 'process', 'processes')}${copies !== written ? ` (${copies} with replicas)` : ''}, ` +
            `${count(Object.keys(pitfile.watchers).length, 'watcher')}, ${count(pitfile.reactions.length, 'reaction')}` +
            `${warnings.length ? ` (${count(warnings.length, 'warning')})` : ''}\n`,
        );
      } catch (e) {
        if (opts.json && e instanceof PitfileError) {
          process.stdout.write(asJson(e.errors, e.warnings));
          process.exitCode = exitCodes.failed;
        } else {
          if (e instanceof PitfileError) printWarnings(e.warnings);
          process.exitCode = reportError(e);
        }
      }
    });
}

/** Warnings, each with its place, code frame and fix, before the outcome. */
export function printWarnings(warnings: readonly PitError[]): void {
  for (const w of warnings) process.stderr.write(formatPitWarning(w) + '\n\n');
}

function asJson(errors: PitError[], warnings: PitError[]): string {
  const tagged = [...errors.map((e) => ({ severity: 'error', ...e.toJSON() })), ...warnings.map((w) => ({ severity: 'warning', ...w.toJSON() }))];
  return JSON.stringify(tagged, null, 2) + '\n';
}
