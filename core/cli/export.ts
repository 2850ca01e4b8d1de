// engine export: the pitfile's processes in another engine's own terms.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { errors, displayPath } from '../errors.js';
import type { ExportOptions, Exported } from '../export/common.js';
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
    .option('--rewrite-loopback', 'compose and kubernetes: point 127.0.0.1/localhost in env at the service listening on that port (http://api:18081)')
    .addHelpText('after', `
What the target cannot express (reactions, file watchers, installs, the
heartbeat) or does differently (limits, loopback addresses in containers)
is listed on stderr and as comments in the output. The same pitfile and
PATH give byte-identical files, so they can be committed and diffed.
No value from your shell or an env_file is written, but PATH: \${VAR}
stays a reference and an env_file stays a file (Kubernetes: a Secret to
create). systemd and supervisord get your PATH, an interpreter's absolute
path (python3 as engine run finds it) and your open-files limit.

Examples:
  engine export systemd --out deploy/systemd
  engine export supervisord > supervisord.conf
  engine export compose --image python:3.12-slim --out .
  engine export kubernetes --out k8s/ && kubectl apply -k k8s/
  engine export compose --rewrite-loopback --out .`)
    .action(async (target: string, opts: { out?: string; image?: string; rewriteLoopback?: boolean }, cmd: Command) => {
      try {
        if (!(TARGETS as readonly string[]).includes(target)) throw errors.PIT_E_CLI_USAGE(`unknown target "${target}"; expected one of ${TARGETS.join(', ')}`);
        // ${VAR} in env values and commands stays a reference: the exporter's shell is not the target's.
        const { loadForExport } = await import('../export/shell-reference.js');
        const pitfile = await loadForExport({ config: cmd.optsWithGlobals<{ config?: string }>().config });
        if (opts.rewriteLoopback && (target === 'systemd' || target === 'supervisord')) {
          process.stderr.write(`note: --rewrite-loopback changes nothing for ${target}: its processes share one host's loopback, as under engine run\n`);
        }
        const write = await exporter(target as (typeof TARGETS)[number]);
        const { openFilesLimit } = await import('../export/host-command.js');
        // What engine run would pass on from this shell: its PATH and open-files limit.
        const { replicasForExport } = await import('../export/replicas.js');
        const { pitfile: expanded, notes } = replicasForExport(pitfile, target);
        const out = write(expanded, { image: opts.image ?? null, path: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin', openFiles: openFilesLimit(), rewriteLoopback: Boolean(opts.rewriteLoopback) });
        out.warnings.push(...notes);
        for (const w of out.warnings) process.stderr.write(`warning: ${w}\n`);
        const names = Object.keys(out.files).sort();
        if (opts.out) {
          writeAll(opts.out, names, out.files);
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

/** The files into `dir`, in order; the first that cannot be written stops the rest, said with its path. */
function writeAll(dir: string, names: string[], files: Record<string, string>): void {
  let path = dir;
  try {
    mkdirSync(dir, { recursive: true });
    for (const name of names) {
      path = join(dir, name);
      writeFileSync(path, files[name]);
    }
  } catch (e) {
    throw errors.PIT_E_EXPORT_WRITE(displayPath(path), (e as NodeJS.ErrnoException).code ?? (e as Error).message);
  }
}

/** The target's exporter, loaded alone. */
async function exporter(target: (typeof TARGETS)[number]): Promise<(pitfile: Pitfile, opts: Partial<ExportOptions>) => Exported> {
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
