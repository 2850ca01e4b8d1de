// python-installer: the install action. After process:<name>:import-error,
// { install: {} } installs the missing module into the environment that
// process ran in, and reports every decision as process:<name>:install.
// It also adds `engine install`, doctor's Python checks, the approval queue
// under `engine status` and POST /v1/installs/:id/approve. The engine's
// thread loads this file (activate, the verb); the installer itself (its
// decisions, environments, distribution tables) is imported at the first
// install or approval, in the worker: most runs never have one.
// test/plugins/builtins-imports.test.ts holds this file's static imports.
import { definePlugin, errors, type ImportErrorFinding, type PitEvent, type PluginContext } from '../../core/index.js';
import type { ProcessSpec } from './environment.js';
import type { Installer, PendingInstall } from './installer.js';
import { installerConfig, installerSection, type InstallerConfig } from './config.js';
import { registerInstall } from './cli.js';
import { isPythonCommand } from '../shared/python-command.js';

interface Options {
  installer: InstallerConfig;
  /** Every process's command, cwd and env: where its environment is looked for. */
  processes: Record<string, ProcessSpec>;
}

interface InstallArgs {
  module?: string;
  process?: string;
}

let installer: Promise<Installer> | null = null;

/** The installer, loaded at its first use. */
function installerOf(ctx: PluginContext<Options>): Promise<Installer> {
  installer ??= import('./installer.js').then(({ Installer }) => new Installer(ctx.options.installer, ctx.root, ctx.stateDir));
  return installer;
}

/**
 * Per process, when the reaction last went on after a heal (to restart it).
 * A failure seen before that is stale: its restart already happened, and
 * another would only kill the healed process.
 */
const healedAt = new Map<string, { at: number; distribution: string | null }>();

export default definePlugin<Options>({
  name: 'python-installer',
  options: {
    type: 'object',
    properties: { installer: { type: 'object' }, processes: { type: 'object', default: {} } },
    required: ['installer'],
    additionalProperties: false,
  },
  // On for a pitfile with a Python process, or a reaction that installs.
  activate(pitfile) {
    const python = Object.values(pitfile.processes).some((p) => isPythonCommand(p.command));
    const usesInstall = pitfile.reactions.some((r) => r.do.some((a) => a.action === 'install'));
    if (!python && !usesInstall) return null;
    const processes = Object.fromEntries(Object.values(pitfile.processes).map((p) => [p.name, { command: p.command, cwd: p.cwd, env: p.env }]));
    return { installer: installerConfig(pitfile), processes };
  },
  section: installerSection,
  shortActions: ['install'],
  commands: registerInstall,
  doctor: async (inputs, pitfile) => (await import('./doctor.js')).installerChecks(inputs, pitfile),
  async status({ stateDir }) {
    const { listPending, pendingDir } = await import('./installer.js');
    return formatQueue(listPending(pendingDir(stateDir)));
  },
  routes: [
    {
      method: 'POST',
      path: '/v1/installs/:id/approve',
      async handle(req, engine) {
        await engine.runAction('approve', { id: req.params.id });
        return { approved: true };
      },
    },
  ],
  // An install may take installer.timeout; the host's 5 s limit would cut it.
  actionTimeoutMs: (o) => o.installer.timeoutMs + 30_000,
  setup() {
    // Set up afresh (in a new worker, a test harness): the installer of these options loads at its first use.
    installer = null;
  },
  actions: {
    /** Run a decision installer.mode: ask queued; args { id }. */
    async approve(args, ctx) {
      const id = String((args as { id?: unknown } | undefined)?.id ?? '');
      const report = await (await installerOf(ctx)).approve(id, (name) => ctx.options.processes[name]);
      if (!report) return ctx.fail(errors.PIT_E_INSTALL_NOT_PENDING(id));
      ctx.emit(`process:${report.process}:install`, { ...report });
      if (report.outcome === 'installed') {
        healedAt.set(report.process, { at: Date.now(), distribution: report.distribution });
        ctx.request('restart', report.process);
      } else ctx.fail(errors.PIT_E_INSTALL_FAILED(report.distribution ?? id, report.reason));
    },
    async install(args, ctx, event) {
      const a = (args ?? {}) as InstallArgs;
      const process = a.process ?? processOf(event);
      if (!process) return ctx.fail(errors.PIT_E_INSTALL_NO_PROCESS());
      const spec = ctx.options.processes[process];
      if (!spec) return ctx.fail(errors.PIT_E_INSTALL_PROCESS_UNKNOWN(process));
      const finding: ImportErrorFinding | null = a.module
        ? { kind: 'missing-module', module: a.module, top_level: a.module.split('.')[0], line: `install ${a.module}`, source: null }
        : event?.type === 'process:import-error'
          ? event
          : null;
      if (!finding) return ctx.fail(errors.PIT_E_INSTALL_NO_MODULE(event ? 'an event that names no import error' : 'no event'));
      const seenAt = event?.at ?? Date.now();
      const report = await (await installerOf(ctx)).handle({ process, spec, finding, seenAt });
      const last = healedAt.get(process);
      if (report.outcome === 'installed' && !a.module && last && seenAt < last.at) {
        const reason = `${report.distribution ?? last.distribution} was already installed by an earlier heal, and ${process} was restarted once after it; this failure came before that restart, so ${process} is not restarted again`;
        // Not counted as a heal again: outcome skipped, with the earlier heal named.
        ctx.emit(`process:${process}:install`, { ...report, outcome: 'skipped', reason, stale: true });
        ctx.log(`${process}: ${reason}`);
        return ctx.fail(errors.PIT_E_INSTALL_ALREADY_HEALED(reason));
      }
      ctx.emit(`process:${process}:install`, { ...report });
      // The reaction goes on (to restart the process) only when the module is there now:
      // restarting into the same failure would only loop.
      if (report.outcome === 'installed') {
        healedAt.set(process, { at: Date.now(), distribution: report.distribution });
        ctx.log(`${process}: ${report.reason}; the reaction goes on (a restart of ${process} runs once)`);
      } else if (report.outcome === 'gave-up') {
        // A process that keeps dying of the same import is stopped.
        ctx.log(`${process}: gave up: ${report.reason}`);
        ctx.request('stop', process);
        ctx.fail(errors.PIT_E_INSTALL_GAVE_UP(process, report.reason));
      } else {
        ctx.log(`${process}: ${report.outcome}${report.distribution ? ` ${report.distribution}` : ''}: ${report.reason}`);
        ctx.fail(report.outcome === 'failed' ? errors.PIT_E_INSTALL_FAILED(report.distribution ?? 'the module', report.reason) : errors.PIT_E_INSTALL_NOT_INSTALLED(report.outcome, report.reason));
      }
    },
  },
});

/** The process an event is about (process:api:import-error, process:api:exit), if any. */
function processOf(e: PitEvent | undefined): string | null {
  const p = e && 'process' in e ? e.process : undefined;
  return typeof p === 'string' ? p : null;
}

/** installer.mode: ask's queue, under engine status's table. */
function formatQueue(queue: PendingInstall[]): string {
  if (!queue.length) return '';
  const lines = queue.map((p) => `  ${p.distribution} for ${p.process}: engine install --approve ${p.id}`);
  return `\n${queue.length} install${queue.length === 1 ? '' : 's'} waiting for approval:\n${lines.join('\n')}\n`;
}
