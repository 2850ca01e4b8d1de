// engine doctor: one screen of what commonly goes wrong on this machine for
// this project, each problem with its fix.
import type { Command } from 'commander';
import type { CheckResult } from '../doctor/check-result.js';
import { exitCodes, reportError } from './output.js';
import { painter } from './engine-client.js';

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .summary('check this machine and project: Node, pitfile (and its warnings), .pit/, socket path, inotify, package index, service managers, programs on a service PATH')
    .option('--json', 'print the checks as JSON')
    .option('--deep', "also check each Python process's environment (runs the project's interpreters)")
    .addHelpText('after', `
Exit codes: 0 every check passed (warnings allowed), 1 a check failed.
Doctor runs no code of the project; --deep runs each Python process's interpreter.

Examples:
  engine doctor
  engine doctor --deep
  engine doctor --json | jq '.checks[] | select(.status == "fail")'`)
    .action(async (opts: { json?: boolean; deep?: boolean }, cmd: Command) => {
      try {
        const { machineInputs, runDoctor } = await import('../doctor/checks.js');
        const checks = await runDoctor(machineInputs(process.cwd(), cmd.optsWithGlobals<{ config?: string }>().config, opts.deep === true));
        const failed = checks.some((c) => c.status === 'fail');
        process.stdout.write(opts.json ? JSON.stringify({ ok: !failed, checks }, null, 2) + '\n' : render(checks));
        process.exitCode = failed ? exitCodes.failed : exitCodes.ok;
      } catch (e) {
        process.exitCode = reportError(e);
      }
    });
}

function render(checks: CheckResult[]): string {
  const paint = painter(process.stdout);
  const mark = { ok: paint('ok  ', 32), warn: paint('warn', 33), fail: paint('FAIL', 31), skip: paint('skip', 2) };
  const width = Math.max(...checks.map((c) => c.check.length));
  const lines = checks.flatMap((c) => [
    `${mark[c.status]}  ${c.check.padEnd(width)}  ${c.detail}`,
    ...(c.fix && c.status !== 'ok' ? [`      ${' '.repeat(width)}  fix: ${c.fix}`] : []),
  ]);
  const failed = checks.filter((c) => c.status === 'fail').length;
  lines.push('', failed ? `${failed} check${failed === 1 ? '' : 's'} failed` : 'all checks passed');
  return lines.join('\n') + '\n';
}
