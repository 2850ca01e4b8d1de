// engine export: the pitfile's processes in another engine's own terms.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { errors, displayPath } from '../errors.js';
import type { Exported } from '../export/common.js';
import type { Pitfile } from '../model/pitfile.js';
import { exitCodes, reportError } from './output.js';

const TARGETS = ['systemd', 'supervisord', 'compose', 'kubernetes'] as const;

export function registerExport(program: Command): void {
  program
    .command('export')
    .summary('write the processes as systemd units, a supervisord config, a Compose file or Kubernetes manifests')
    .argument('<target>', TARGETS.join(' | '))
    .option('-o, --out <dir>', 'write the files here (default: print them)')
    .option('--image <image>', 'the container image for compose and kubernetes (default: export.image in the pitfile)')
    .addHelpText('after', `
What the target cannot express (reactions, file watchers, installs, the
heartbeat) is listed on stderr and as comments in the output. The same
pitfile gives byte-identical files, so they can be committed and diffed.
No value from your shell or an env_file is written: \${VAR} stays a
reference and an env_file stays a file (Kubernetes: a Secret to create).

Examples:
  engine export systemd --out deploy/systemd
  engine export supervisord > supervisord.conf
  engine export compose --image python:3.12-slim --out .
  engine export kubernetes --out k8s/`)
    .action(async (target: string, opts: { out?: string; image?: string }, cmd: Command) => {
      try {
        if (!(TARGETS as readonly string[]).includes(target)) throw errors.PIT_E_CLI_USAGE(`unknown target "${target}"; expected one of ${TARGETS.join(', ')}`);
        // ${VAR} in env values and commands stays a reference: the exporter's shell is not the target's.
        const { loadForExport } = await import('../export/shell-reference.js');
        const pitfile = await loadForExport({ config: cmd.optsWithGlobals<{ config?: string }>().config });
        const write = await exporter(target as (typeof TARGETS)[number]);
        let out: Exported;
        try {
          const { replicasForExport } = await import('../export/replicas.js');
          const { pitfile: expanded, notes } = replicasForExport(pitfile);
          out = write(expanded, opts.image ?? null);
          out.warnings.push(...notes);
        } catch (e) {
          throw errors.PIT_E_CLI_USAGE((e as Error).message);
        }
        for (const w of out.warnings) process.stderr.write(`warning: ${w}\n`);
        const names = Object.keys(out.files).sort();
        if (opts.out) {
          mkdirSync(opts.out, { recursive: true });
          for (const name of names) writeFileSync(join(opts.out, name), out.files[name]);
          process.stderr.write(`wrote ${names.map((n) => displayPath(join(opts.out!, n))).join(', ')}\n`);
        } else {
          process.stdout.write(names.map((n) => (names.length > 1 ? `### ${n}\n${out.files[n]}` : out.files[n])).join('\n'));
        }
        process.exitCode = exitCodes.ok;
      } catch (e) {
        process.exitCode = reportError(e);
      }
    });
}

/** The target's exporter, loaded alone. */
async function exporter(target: (typeof TARGETS)[number]): Promise<(pitfile: Pitfile, image: string | null) => Exported> {
  switch (target) {
    case 'systemd':
      return (await import('../export/systemd.js')).exportSystemd;
    case 'supervisord':
      return (await import('../export/supervisord.js')).exportSupervisord;
    case 'compose':
      return (await import('../export/compose.js')).exportCompose;
    case 'kubernetes':
      return (await import('../export/kubernetes.js')).exportKubernetes;
  }
}
