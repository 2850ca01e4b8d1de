// One install request from finding to outcome: the environment, what its
// interpreter says, the decision, the limits (attempts, backoff, a recent
// install that already covers this failure), the mode, then the command.
// The plugin's install action and `engine install` both go through here.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ImportErrorFinding } from '../import-error-matcher/diagnose.js';
import { AttemptLog, backoffMs } from './attempts.js';
import { installCommand, type InstallCommand } from './command.js';
import { decide, type Decision } from './decide.js';
import { distributionFor } from './import-names.js';
import { findEnvironment, type Backend, type ProcessSpec, type PythonEnvironment } from './environment.js';
import { findLocalModule } from './local-module.js';
import { probe } from './probe.js';
import { runInstall, type RunResult } from './run.js';
import type { InstallerConfig } from '../../core/model/pitfile.js';

/** The pitfile's installer section, as the engine resolved it. */
export type InstallerSettings = InstallerConfig;

export type Outcome = 'installed' | 'failed' | 'skipped' | 'gave-up' | 'pending' | 'dry-run';

/** What happened, as the process:<name>:install event carries it. */
export interface InstallReport {
  id: string;
  process: string;
  module: string | null;
  distribution: string | null;
  environment: string;
  python: string;
  backend: Backend;
  found_by: string;
  command: string[] | null;
  outcome: Outcome;
  reason: string;
  /** When the install command started (ms since epoch), if it ran. */
  started_at: number | null;
  duration_ms: number | null;
  /** The end of the installer's output, when it failed. */
  output?: string;
}

export interface InstallRequest {
  process: string;
  spec: ProcessSpec;
  finding: ImportErrorFinding;
  /** When the failure was seen: an install finished after it already covers it. */
  seenAt: number;
}

/** A decision waiting for `engine install --approve <id>`. */
export interface PendingInstall {
  id: string;
  process: string;
  module: string | null;
  distribution: string;
  environment: string;
  command: InstallCommand;
  reason: string;
  at: number;
}

export class Installer {
  readonly #attempts: AttemptLog;
  readonly #pendingDir: string;

  /** How long one install may take. */
  get timeoutMs(): number {
    return this.settings.timeoutMs;
  }

  constructor(
    private readonly settings: InstallerSettings,
    private readonly root: string,
    stateDir: string,
  ) {
    this.#attempts = new AttemptLog(stateDir);
    this.#pendingDir = join(stateDir, 'installer', 'pending');
  }

  /** Decide and, when the decision and the limits allow, install. */
  async handle(req: InstallRequest, hooks: { onStart?(cmd: InstallCommand): void } = {}): Promise<InstallReport> {
    const env = findEnvironment(req.spec, this.root, this.settings.backend);
    const planned = await this.plan(req, env);
    const { decision, report } = planned;
    const covered = (dist: string) => {
      const a = this.#attempts.get(env.prefix, dist);
      return a?.lastOutcome === 'installed' && a.lastAt >= req.seenAt ? `${dist} was installed after this failure was seen (at ${new Date(a.lastAt).toISOString()}); nothing more to do` : null;
    };
    if (!decision.install) {
      // Importable now because a concurrent request installed it: that request's heal is this one's too.
      const dist = decision.code === 'installed' && decision.module ? (distributionFor(decision.module, this.settings.aliases) ?? decision.module.split('.')[0]) : null;
      const by = dist && covered(dist);
      return by ? report('installed', by, undefined, { distribution: dist }) : report('skipped', decision.reason);
    }
    const dist = decision.distribution;
    const cmd = installCommand(env, dist, this.settings);
    const done = this.#attempts.get(env.prefix, dist);
    const by = covered(dist);
    if (by) return report('installed', by, cmd);
    if (done && done.count >= this.settings.maxAttempts) {
      const why =
        done.lastOutcome === 'installed'
          ? `${dist} installed (${done.count} attempts) but the import of ${decision.module} still fails: check that the process runs in ${env.prefix} and that ${dist} provides ${decision.module}`
          : `${dist} failed to install ${done.count} times; see the previous install events`;
      return report('gave-up', `${why} (installer.max_attempts: ${this.settings.maxAttempts}; delete .pit/installer/attempts.json to try again)`, cmd);
    }
    if (done?.lastOutcome === 'failed' && Date.now() < done.lastAt + backoffMs(done.count)) {
      return report('skipped', `${dist} failed to install ${done.count} time(s); the next try is after ${new Date(done.lastAt + backoffMs(done.count)).toISOString()}`, cmd);
    }
    if (this.settings.mode === 'dry-run') return report('dry-run', `would run: ${cmd.argv.join(' ')} (${decision.reason})`, cmd);
    const id = installId(env.prefix, dist);
    if (this.settings.mode === 'ask') {
      this.#writePending({ id, process: req.process, module: decision.module, distribution: dist, environment: env.prefix, command: cmd, reason: decision.reason, at: Date.now() });
      return report('pending', `waiting for approval: engine install --approve ${id}`, cmd);
    }
    return this.run(cmd, env.prefix, dist, req.spec.env, hooks).then((r) => runReport(report, r, cmd, decision.reason));
  }

  /** The environment, the interpreter's answers and the decision, with a way to write the report. */
  async plan(req: InstallRequest, env: PythonEnvironment) {
    const f = req.finding;
    const top = f.top_level;
    const facts = top
      ? { ...(await probe(env.python, top).catch(() => ({ version: '?', stdlib: new Set<string>(), installed: null }))), local: findLocalModule(top, [req.spec.cwd, this.root]) }
      : { version: '?', stdlib: new Set<string>(), installed: null, local: null };
    const decision: Decision = decide(f, facts, this.settings);
    const distribution = decision.install ? decision.distribution : null;
    const report = (outcome: Outcome, reason: string, cmd?: InstallCommand, run?: Partial<InstallReport>): InstallReport => ({
      id: installId(env.prefix, distribution ?? f.module ?? '?'),
      process: req.process,
      module: f.module,
      distribution,
      environment: env.prefix,
      python: env.python,
      backend: env.backend,
      found_by: env.foundBy,
      command: cmd?.argv ?? null,
      outcome,
      reason,
      started_at: null,
      duration_ms: null,
      ...run,
    });
    return { env, decision, report };
  }

  /** Run an install command and remember the attempt. */
  async run(cmd: InstallCommand, environment: string, distribution: string, env: ProcessSpec['env'], hooks: { onStart?(cmd: InstallCommand): void } = {}): Promise<RunResult> {
    hooks.onStart?.(cmd);
    // The process's own PATH and variables: its tools (conda, poetry, uv) are the ones to run.
    const r = await runInstall(cmd, this.settings.timeoutMs, { ...process.env, ...env });
    this.#attempts.record(environment, distribution, r.ok ? 'installed' : 'failed');
    return r;
  }

  /** Run the queued decision `id` (engine install --approve); null when none waits with that id. */
  async approve(id: string, envOf: (process: string) => ProcessSpec['env']): Promise<InstallReport | null> {
    const p = this.take(id);
    if (!p) return null;
    const r = await this.run(p.command, p.environment, p.distribution, envOf(p.process));
    const base = { id, process: p.process, module: p.module, distribution: p.distribution, environment: p.environment, python: p.command.argv[0], backend: backendOf(p.command), found_by: 'the approved decision', command: p.command.argv, started_at: r.startedAt, duration_ms: r.durationMs };
    return r.ok
      ? { ...base, outcome: 'installed', reason: `approved: ${p.reason}` }
      : { ...base, outcome: 'failed', reason: `${p.command.argv.join(' ')} ${r.timedOut ? 'did not finish within the installer timeout and was killed' : r.error ?? `exited with ${r.signal ?? `code ${r.exitCode}`}`}`, output: r.outputTail };
  }

  /** Decisions waiting for approval, oldest first. */
  pending(): PendingInstall[] {
    return listPending(this.#pendingDir);
  }

  /** Take a pending decision out of the queue (to run it). */
  take(id: string): PendingInstall | null {
    const p = this.pending().find((x) => x.id === id) ?? null;
    if (p) rmSync(join(this.#pendingDir, `${id}.json`), { force: true });
    return p;
  }

  #writePending(p: PendingInstall): void {
    mkdirSync(this.#pendingDir, { recursive: true, mode: 0o700 });
    writeFileSync(join(this.#pendingDir, `${p.id}.json`), JSON.stringify(p, null, 1), { mode: 0o600 });
  }
}

/** The queue as `engine status` shows it, without an installer. */
export function listPending(dir: string): PendingInstall[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  return names
    .flatMap((n) => {
      try {
        return [JSON.parse(readFileSync(join(dir, n), 'utf8')) as PendingInstall];
      } catch {
        return [];
      }
    })
    .sort((a, b) => a.at - b.at);
}

export const pendingDir = (stateDir: string) => join(stateDir, 'installer', 'pending');

function runReport(report: (o: Outcome, r: string, c?: InstallCommand, run?: Partial<InstallReport>) => InstallReport, r: RunResult, cmd: InstallCommand, why: string): InstallReport {
  const run = { started_at: r.startedAt, duration_ms: r.durationMs };
  if (r.ok) return report('installed', why, cmd, run);
  const how = r.timedOut ? `did not finish within the installer timeout and was killed` : r.error ?? `exited with ${r.signal ?? `code ${r.exitCode}`}`;
  return report('failed', `${cmd.argv.join(' ')} ${how}`, cmd, { ...run, output: r.outputTail });
}

/** Stable for an (environment, distribution): the same decision gets the same id. */
function installId(environment: string, distribution: string): string {
  return createHash('sha256').update(`${environment}|${distribution.toLowerCase()}`).digest('hex').slice(0, 8);
}

function backendOf(cmd: InstallCommand): Backend {
  const tool = cmd.argv[0].split('/').pop()!;
  return tool === 'conda' || tool === 'poetry' || tool === 'uv' ? tool : 'pip';
}
