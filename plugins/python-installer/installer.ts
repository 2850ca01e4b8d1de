// One install request from finding to outcome: the environment, what its
// interpreter says, the decision, the limits (attempts, backoff, a recent
// install that already covers this failure), the mode, then the command.
// The plugin's install action and `engine install` both go through here.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { redactUrl, type ImportErrorFinding, type InstallOutcome, type InstallReport } from '../../core/index.js';
import type { InstallerConfig } from './config.js';
import { AttemptLog, backoffMs, installerDir } from './attempts.js';
import { INDEX_OPTIONS, indexRefusal, installCommand, PYPI, type InstallCommand } from './command.js';
import { checkDistributionName, checkModuleName, decide, type Decision, type EnvironmentFacts } from './decide.js';
import { normalizeName } from './known-distributions.js';
import { appendRequirement, findRequirementsFile, installedVersion } from './requirements-file.js';
import { distributionFor } from './import-names.js';
import { commandWords, findEnvironment, type Backend, type ProcessSpec, type PythonEnvironment } from './environment.js';
import { findLocalModule } from './local-module.js';
import { probe } from './probe.js';
import { runInstall, type RunResult } from './run.js';

export type Outcome = InstallOutcome;

/** What happened, as the process:<name>:install event carries it (declared in the catalogue). */
export type { InstallReport };

export interface InstallRequest {
  process: string;
  spec: ProcessSpec;
  finding: ImportErrorFinding;
  /** When the failure was seen: an install finished after it already covers it. */
  seenAt: number;
}

/**
 * A decision waiting for `engine install --approve <id>`. It says what to
 * install and for which process, never how: approving derives the command
 * again (Installer.derive), so a file planted in the queue cannot choose one.
 */
export interface PendingInstall {
  id: string;
  process: string;
  module: string | null;
  distribution: string;
  /** A version range the install needs (setuptools<82 for pkg_resources). */
  specifier?: string;
  environment: string;
  reason: string;
  at: number;
  /** Where the project keeps its dependencies is looked for, after the install (installer.edit_project). */
  project_dirs?: string[];
}

export class Installer {
  readonly #attempts: AttemptLog;
  readonly #pendingDir: string;
  /** Installs running now, by environment and distribution. */
  readonly #running = new Map<string, Promise<RunResult>>();

  /** How long one install may take. */
  get timeoutMs(): number {
    return this.settings.timeoutMs;
  }

  constructor(
    private readonly settings: InstallerConfig,
    private readonly root: string,
    stateDir: string,
  ) {
    this.#attempts = new AttemptLog(stateDir);
    this.#pendingDir = pendingDir(stateDir);
  }

  /** Decide and, when the decision and the limits allow, install. */
  async handle(req: InstallRequest, hooks: { onStart?(cmd: InstallCommand): void } = {}): Promise<InstallReport> {
    const env = findEnvironment(req.spec, this.root, this.settings.backend);
    const planned = await this.plan(req, env);
    const { decision, report, facts } = planned;
    const covered = (dist: string) => {
      const a = this.#attempts.get(env.prefix, dist);
      return a?.lastOutcome === 'installed' && a.lastAt >= req.seenAt ? `${dist} was already installed by an earlier heal (at ${new Date(a.lastAt).toISOString()}), after this failure was seen` : null;
    };
    if (!decision.install) {
      // Importable now because a concurrent request installed it: that request's heal is this one's too.
      const dist = decision.code === 'installed' && decision.module ? (distributionFor(decision.module, this.settings.aliases) ?? decision.module.split('.')[0]) : null;
      const by = dist && covered(dist);
      return by ? report('installed', by, undefined, { distribution: dist, joined: true }) : report('skipped', decision.reason);
    }
    const dist = decision.distribution;
    const refusal = indexRefusal(env, this.settings);
    if (refusal) return report('skipped', refusal);
    const isConda = env.backend === 'conda' || Boolean(req.spec.env.CONDA_PREFIX) || existsSync(join(env.prefix, 'conda-meta'));
    if (facts.venv === false && !isConda && !this.settings.system) {
      return report('skipped', `${env.python} is not a virtual environment (the system's or pyenv's own Python): an install there changes every program that uses it. Make one for the project: python3 -m venv .venv, and run the process with .venv/bin/python; or set installer.system: true`);
    }
    const cmd = installCommand(env, `${dist}${decision.specifier ?? ''}`, this.settings);
    // One install per (environment, distribution) at a time: a failure seen meanwhile joins it.
    const running = this.#running.get(runKey(env.prefix, dist));
    if (running) {
      const r = await running;
      return r.ok
        ? report('installed', `${dist} was being installed for an earlier failure; this failure joined that install`, cmd, { joined: true })
        : runReport(report, r, cmd, decision.reason, null);
    }
    const done = this.#attempts.get(env.prefix, dist);
    const by = covered(dist);
    if (by) return report('installed', by, cmd, { joined: true });
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
    if (this.settings.mode === 'dry-run') return report('dry-run', `would run: ${cmd.argv.join(' ')}${cmd.argv.includes(INDEX_OPTIONS) ? ` (${INDEX_OPTIONS}: --index-url ${redactUrl(this.settings.indexUrl ?? PYPI)})` : ''} (${decision.ask ?? decision.reason})`, cmd);
    const id = installId(env.prefix, dist);
    if (this.settings.mode === 'ask' || decision.ask) {
      this.#writePending({ id, process: req.process, module: decision.module, distribution: dist, ...(decision.specifier && { specifier: decision.specifier }), environment: env.prefix, reason: decision.ask ?? decision.reason, at: Date.now(), project_dirs: [req.spec.cwd, this.root] });
      return report('pending', `${decision.ask ? `${decision.ask}; ` : ''}waiting for approval: engine install --approve ${id}`, cmd);
    }
    const result = this.run(cmd, env.prefix, dist, req.spec.env, hooks);
    const r = await result;
    const edited = r.ok ? await this.#record(cmd, env.python, dist, decision.module, [req.spec.cwd, this.root]) : null;
    return runReport(report, r, cmd, decision.reason, edited);
  }

  /** The environment, the interpreter's answers and the decision, with a way to write the report. */
  async plan(req: InstallRequest, env: PythonEnvironment) {
    const f = req.finding;
    // A name that cannot be a module is refused by decide() without asking the interpreter about it.
    const top = f.top_level && f.module && !checkModuleName(f.module) ? f.top_level : null;
    const script = commandWords(req.spec.command).find((w) => w.endsWith('.py'));
    const dirs = [req.spec.cwd, this.root, ...(script ? [dirname(resolve(req.spec.cwd, script))] : [])];
    const probed = await probe(env.python, top ?? 'pip').catch((e: Error) => ({ version: '?', stdlib: new Set<string>(), installed: null, venv: undefined, unanswered: e.message }));
    // A distribution asked for by name (pkg_resources, importlib.metadata) may be the project's own, run from its source folder.
    const own = !top && f.distribution ? ownDistribution(f.distribution, dirs) : null;
    const facts: EnvironmentFacts = top ? { ...probed, local: findLocalModule(top, dirs) } : { ...probed, stdlib: new Set<string>(), installed: null, local: own };
    const decision: Decision = decide(f, facts, this.settings);
    const distribution = decision.install ? decision.distribution : null;
    const indexed = env.backend !== 'conda' && !(env.backend === 'poetry' && this.settings.editProject !== false);
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
      ...(indexed ? { index: redactUrl(this.settings.indexUrl ?? PYPI) } : {}),
      outcome,
      reason,
      started_at: null,
      duration_ms: null,
      ...run,
    });
    return { env, decision, report, facts };
  }

  /** Run an install command and remember the attempt; one at a time per (environment, distribution). */
  run(cmd: InstallCommand, environment: string, distribution: string, env: ProcessSpec['env'], hooks: { onStart?(cmd: InstallCommand): void } = {}): Promise<RunResult> {
    const key = runKey(environment, distribution);
    const running = this.#running.get(key);
    if (running) return running;
    hooks.onStart?.(cmd);
    // The process's own PATH and variables: its tools (conda, poetry, uv) are the ones to run.
    const r = runInstall(cmd, this.settings.timeoutMs, { ...process.env, ...env }, this.settings).then((res) => {
      this.#attempts.record(environment, distribution, res.ok ? 'installed' : 'failed');
      return res;
    });
    this.#running.set(key, r);
    return r.finally(() => this.#running.delete(key));
  }

  /** Record an install in the project's dependencies (installer.edit_project); the file changed, or null. */
  async #record(cmd: InstallCommand, python: string, dist: string, module: string | null, dirs: string[]): Promise<string | null> {
    if (this.settings.editProject === false) return null;
    if (cmd.editsProject) return join(cmd.project!, 'pyproject.toml');
    if (cmd.project) return null; // a Poetry or uv project installed without add: its pyproject.toml is its record
    const file = findRequirementsFile(dirs);
    if (!file) return null;
    const line = appendRequirement(file, dist, await installedVersion(python, dist), `${module ?? dist} was missing when the process started`);
    return line ? file : null;
  }

  /**
   * The command approving `p` runs, derived again from the pitfile's
   * process `spec` and the distribution, as the decision derived it; or why
   * it cannot run (the process is gone, its environment changed, a name or
   * range that is not one).
   */
  derive(p: PendingInstall, spec: ProcessSpec | undefined): { command: InstallCommand } | { refused: string } {
    if (!spec) return { refused: `no process ${JSON.stringify(p.process)} in the pitfile` };
    const bad = checkDistributionName(String(p.distribution));
    if (bad) return { refused: bad };
    if (p.specifier !== undefined && !SPECIFIER.test(p.specifier)) return { refused: `${JSON.stringify(p.specifier)} is not a version range` };
    const env = findEnvironment(spec, this.root, this.settings.backend);
    if (installId(env.prefix, p.distribution) !== p.id) return { refused: `${p.process} runs in ${env.prefix} now, not in the environment this decision was made for` };
    return { command: installCommand(env, `${p.distribution}${p.specifier ?? ''}`, this.settings) };
  }

  /** Run the queued decision `id` (engine install --approve); null when none waits with that id. */
  async approve(id: string, specOf: (process: string) => ProcessSpec | undefined): Promise<InstallReport | null> {
    const p = this.take(id);
    if (!p) return null;
    const spec = specOf(p.process);
    const derived = this.derive(p, spec);
    const base = { id, process: p.process, module: p.module, distribution: p.distribution, environment: p.environment, found_by: 'the approved decision' };
    if ('refused' in derived) return { ...base, python: '', backend: 'pip', command: null, started_at: null, duration_ms: null, outcome: 'skipped', reason: `not installed: ${derived.refused}` };
    const cmd = derived.command;
    const r = await this.run(cmd, p.environment, p.distribution, spec!.env);
    const ran = { ...base, python: cmd.argv[0], backend: backendOf(cmd), command: cmd.argv, started_at: r.startedAt, duration_ms: r.durationMs };
    const python = backendOf(cmd) === 'pip' ? cmd.argv[0] : join(p.environment, 'bin', 'python');
    const edited = r.ok && p.project_dirs ? await this.#record(cmd, python, p.distribution, p.module, p.project_dirs) : null;
    return r.ok
      ? { ...ran, outcome: 'installed', reason: `approved: ${p.reason}${edited ? `; recorded in ${edited}` : ''}`, edited }
      : { ...ran, outcome: 'failed', reason: `${cmd.argv.join(' ')} ${r.timedOut ? 'did not finish within the installer timeout and was killed' : r.error ?? `exited with ${r.signal ?? `code ${r.exitCode}`}`}`, output: r.outputTail };
  }

  /** Decisions waiting for approval, oldest first. */
  pending(): PendingInstall[] {
    return listPending(this.#pendingDir);
  }

  /** Take a pending decision out of the queue (to run it); an id that is not one (`../x`) names nothing. */
  take(id: string): PendingInstall | null {
    if (!ID.test(id)) return null;
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

export const pendingDir = (stateDir: string) => join(installerDir(stateDir), 'pending');

function runReport(report: (o: Outcome, r: string, c?: InstallCommand, run?: Partial<InstallReport>) => InstallReport, r: RunResult, cmd: InstallCommand, why: string, edited: string | null): InstallReport {
  const run = { started_at: r.startedAt, duration_ms: r.durationMs };
  if (r.ok) return report('installed', edited ? `${why}; recorded in ${edited}` : why, cmd, { ...run, edited });
  const how = r.timedOut ? `did not finish within the installer timeout and was killed` : r.error ?? `exited with ${r.signal ?? `code ${r.exitCode}`}`;
  return report('failed', `${cmd.argv.join(' ')} ${how}`, cmd, { ...run, output: r.outputTail });
}

const runKey = (environment: string, distribution: string) => `${environment}|${normalizeName(distribution)}`;

/** Stable for an (environment, distribution): the same decision gets the same id. */
/** What installId makes: checked before an id names a file. */
const ID = /^[0-9a-f]{8}$/;
/** A PEP 440 version range as the decision writes one (<82, >=1.2,<2). */
const SPECIFIER = /^(?:(?:[<>!=~]=?|===)[0-9A-Za-z.*+!-]+)(?:,(?:[<>!=~]=?|===)[0-9A-Za-z.*+!-]+)*$/;

function installId(environment: string, distribution: string): string {
  return createHash('sha256').update(`${environment}|${distribution.toLowerCase()}`).digest('hex').slice(0, 8);
}

function backendOf(cmd: InstallCommand): Backend {
  const tool = cmd.argv[0].split('/').pop()!;
  return tool === 'conda' || tool === 'poetry' || tool === 'uv' ? tool : 'pip';
}

/** The project's own package folder or module for distribution `name` (as written, or as an import name), or null. */
function ownDistribution(name: string, dirs: string[]): string | null {
  const asModule = name.replace(/[-.]/g, '_');
  for (const candidate of new Set([asModule, asModule.toLowerCase()])) {
    if (checkModuleName(candidate)) continue;
    const found = findLocalModule(candidate, dirs);
    if (found) return found;
  }
  return null;
}
