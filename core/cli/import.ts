// engine import: another tool's config as a commented pitfile.
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { displayPath, errors } from '../errors.js';
import { exitCodes, reportError } from './output.js';

const FORMATS = ['pm2', 'procfile', 'supervisord', 'compose', 'process-compose'] as const;

export function registerImport(program: Command): void {
  program
    .command('import')
    .summary('write a pitfile from an ecosystem.config.js, Procfile, supervisord.conf, compose.yaml or process-compose.yaml')
    .argument('<file>', 'the other tool\'s config file')
    .option('--from <format>', FORMATS.join(' | ') + ' (default: from the file\'s name, then its content)')
    .option('-o, --out <file>', 'write the pitfile here', 'pitfile.yaml')
    .option('--dry-run', 'print the pitfile instead of writing it')
    .option('--force', 'replace --out if it exists')
    .option('--env <name>', 'PM2: use env_<name> over env, as pm2 start --env <name> does')
    .addHelpText('after', `
Every option that does not map is a "not mapped" comment in the pitfile and
a line on stderr. Reading a file runs nothing, except a JS ecosystem file:
importing evaluates ecosystem.config.js with node, as PM2 does, in a child
process with a bare environment, killed after 5s.

Examples:
  engine import ecosystem.config.js --env production
  engine import Procfile.dev --dry-run
  engine import /etc/supervisor/supervisord.conf --out pitfile.yaml --force
  engine import docker-compose.yml
  engine import process-compose.yaml`)
    .action(async (file: string, opts: { from?: string; out: string; dryRun?: boolean; force?: boolean; env?: string }) => {
      try {
        if (opts.from && !(FORMATS as readonly string[]).includes(opts.from)) throw errors.PIT_E_CLI_USAGE(`unknown format "${opts.from}"; expected one of ${FORMATS.join(', ')}`);
        const out = resolve(opts.out);
        if (!opts.dryRun && !opts.force && existsSync(out)) throw errors.PIT_E_IMPORT_EXISTS(displayPath(out));
        const { importFile } = await import('../import/import-file.js');
        const r = await importFile({ file: resolve(file), outDir: dirname(out), env: opts.env, from: opts.from as (typeof FORMATS)[number] | undefined });
        for (const line of r.report) process.stderr.write(`${line}\n`);
        if (opts.dryRun) process.stdout.write(r.text);
        else writeFileSync(out, r.text);
        const notMapped = r.report.filter((l) => l.includes('not mapped')).length;
        process.stderr.write(`${opts.dryRun ? 'would write' : 'wrote'} ${displayPath(out)}: ${r.processes.length} process(es) from ${r.format}, ${notMapped} not mapped; next: engine validate\n`);
        process.exitCode = exitCodes.ok;
      } catch (e) {
        process.exitCode = reportError(e);
      }
    });
}
