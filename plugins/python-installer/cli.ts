// engine install: what the self-healing installer would do for a module and
// a process (the environment found, the distribution, the command), then
// doing it; and approving the decisions installer.mode: ask has queued.
// python-installer contributes this verb (its `commands`); registering it
// loads nothing more, its action imports the installer.
import type { Command } from 'commander';
import { PitError, errors, exitCodes, findProjectEngine, loadPitfile, reportError, type Pitfile, type ProcessConfig } from '../../core/index.js';
import { isPythonCommand } from '../shared/python-command.js';
import type { ProcessSpec } from './environment.js';
import type { Installer, InstallReport } from './installer.js';
import { installerConfig } from './config.js';

export function registerInstall(program: Command): void {
  program
    .command('install')
    .summary("install a Python module into a process's own environment, showing the decision first")
    .argument('[module]', 'the import name, e.g. yaml (installs PyYAML)')
    .option('--for <process>', 'the process whose environment gets it (default: the only Python process)')
    .option('--dry-run', 'show the decision and the command; install nothing')
    .option('--approve <id>', 'run a decision that installer.mode: ask queued (engine status lists them)')
    .option('--pending', 'list the decisions waiting for approval')
    .addHelpText('after', `
Exit codes: 0 installed (or shown), 1 refused or failed, 2 bad usage.

Examples:
  engine install yaml --dry-run      # which environment, which distribution, which command
  engine install cv2 --for worker    # opencv-python into worker's environment
  engine install --approve 3f9a1c2e  # run a queued decision; a running engine restarts the process`)
    .action(async (module: string | undefined, opts: { for?: string; dryRun?: boolean; approve?: string; pending?: boolean }, cmd: Command) => {
      try {
        const { Installer } = await import('./installer.js');
        const { pitfile } = await loadPitfile({ config: cmd.optsWithGlobals<{ config?: string }>().config, plugins: false });
        const mode = opts.dryRun ? 'dry-run' : 'auto';
        const installer = new Installer({ ...installerConfig(pitfile), mode }, pitfile.root, pitfile.settings.stateDir);
        if (opts.pending) process.exitCode = listQueue(installer, pitfile);
        else if (opts.approve) process.exitCode = await approve(installer, opts.approve, pitfile);
        else if (module) process.exitCode = await install(installer, pitfile, module, opts.for);
        else throw errors.PIT_E_CLI_USAGE('name a module (engine install yaml), or use --approve <id> or --pending');
      } catch (e) {
        process.exitCode = reportError(e);
      }
    });
}

async function install(installer: Installer, pitfile: Pitfile, module: string, name: string | undefined): Promise<number> {
  const { checkModuleName } = await import('./decide.js');
  const { findEnvironment } = await import('./environment.js');
  const bad = checkModuleName(module);
  if (bad) throw errors.PIT_E_CLI_USAGE(bad);
  const target = await pickProcess(pitfile, name);
  const spec: ProcessSpec = target ? { command: target.command, cwd: target.cwd, env: target.env } : { command: 'python3', cwd: pitfile.root, env: {} };
  const req = { process: target?.name ?? '(none)', spec, finding: { kind: 'missing-module' as const, module, top_level: module.split('.')[0], line: `engine install ${module}`, source: null }, seenAt: Date.now() };
  const env = findEnvironment(spec, pitfile.root, installerConfig(pitfile).backend);
  const { decision } = await installer.plan(req, env);
  const show = (k: string, v: string) => process.stdout.write(`${k.padEnd(12)} ${v}\n`);
  show('process', target ? target.name : 'none given: the project with python3');
  show('environment', `${env.prefix} (${env.foundBy})`);
  show('python', env.python);
  show('backend', env.backend);
  show('decision', decision.install ? `install ${decision.distribution}${decision.specifier ?? ''}: ${decision.ask ? `${decision.ask} (queued for engine install --approve)` : decision.reason}` : `no install: ${decision.reason}`);
  if (!decision.install) return exitCodes.failed;
  const { Listr } = await import('listr2');
  let report: InstallReport | undefined;
  await new Listr([
    {
      title: `${decision.distribution} into ${env.prefix}`,
      task: async (_: unknown, task: { title: string; output: string }) => {
        report = await installer.handle(req, { onStart: (c) => (task.output = c.argv.join(' ')) });
        task.title = `${decision.distribution}: ${report.outcome}`;
        if (report.outcome === 'failed' || report.outcome === 'gave-up') throw errors.PIT_E_INSTALL_FAILED(decision.distribution ?? 'the module', report.reason);
      },
    },
  ], { exitOnError: false, rendererOptions: { collapseErrors: false } }).run().catch(() => {});
  return finish(report!);
}

async function approve(installer: Installer, id: string, pitfile: Pitfile): Promise<number> {
  // A running engine runs it itself: the heal is counted, journaled and the process restarted there.
  const engine = await findProjectEngine(pitfile.file).catch(() => null);
  if (engine && installer.pending().some((x) => x.id === id)) {
    try {
      await engine.client.call('POST', `/v1/installs/${encodeURIComponent(id)}/approve`, {}, installer.timeoutMs + 60_000);
      process.stdout.write(`approved ${id}: installed by the running engine, which restarts the process\n`);
      return exitCodes.ok;
    } catch (e) {
      if (!(e instanceof PitError && e.code === 'PIT_E_CONTROL_NO_ENGINE')) throw e;
    }
  }
  const r = await installer.approve(id, (name) => specOf(pitfile, name));
  if (!r) throw errors.PIT_E_CLI_USAGE(`no install waiting with id ${id}; engine install --pending lists them`);
  if (r.command) process.stdout.write(`approved: ${r.distribution} for ${r.process} into ${r.environment}\nran: ${r.command.join(' ')}\n`);
  if (r.outcome !== 'installed') {
    process.stderr.write(`${r.reason}\n${(r.output ?? '').trimEnd().split('\n').slice(-15).join('\n')}\n`);
    return exitCodes.failed;
  }
  process.stdout.write(`installed ${r.distribution}; no engine is running to restart ${r.process}\n`);
  return exitCodes.ok;
}

/** The queue, each with the command approving it would run, derived as approving derives it. */
function listQueue(installer: Installer, pitfile: Pitfile): number {
  const queue = installer.pending();
  if (!queue.length) process.stdout.write('no install is waiting for approval\n');
  for (const p of queue) {
    const d = installer.derive(p, specOf(pitfile, p.process));
    const runs = 'command' in d ? `would run: ${d.command.argv.join(' ')}` : `cannot run: ${d.refused}`;
    process.stdout.write(`${p.id}  ${p.distribution}${p.specifier ?? ''} for ${p.process} (${p.reason})\n  ${runs}\n  engine install --approve ${p.id}\n`);
  }
  return exitCodes.ok;
}

/** The installer's view of pitfile process `name`. */
function specOf(pitfile: Pitfile, name: string): ProcessSpec | undefined {
  const p = pitfile.processes[name];
  return p && { command: p.command, cwd: p.cwd, env: p.env };
}

function finish(r: InstallReport): number {
  process.stdout.write(`${r.outcome}: ${r.reason}\n`);
  if (r.output) process.stderr.write(r.output.trimEnd().split('\n').slice(-15).join('\n') + '\n');
  return r.outcome === 'installed' || r.outcome === 'dry-run' ? exitCodes.ok : exitCodes.failed;
}

async function pickProcess(pitfile: Pitfile, name: string | undefined): Promise<ProcessConfig | null> {
  const all = Object.values(pitfile.processes);
  if (name) {
    const p = pitfile.processes[name];
    if (!p) throw errors.PIT_E_CLI_USAGE(`no process named "${name}"; the pitfile has: ${all.map((x) => x.name).join(', ') || 'none'}`);
    return p;
  }
  const python = all.filter((p) => isPythonCommand(p.command));
  if (python.length > 1) throw errors.PIT_E_CLI_USAGE(`several Python processes (${python.map((p) => p.name).join(', ')}): pick one with --for`);
  return python[0] ?? null;
}
