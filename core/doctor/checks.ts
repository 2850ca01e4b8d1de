// engine doctor's checks: what commonly goes wrong on a machine before a
// pitfile runs well there, each with how to fix it. What the OS says comes
// through `DoctorInputs`, so a test can make each check fail on purpose.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import which from 'which';
import { PitError, PitfileError, displayPath, formatPitError, formatPitWarning } from '../errors.js';
import { shellProgram } from '../config/machine-checks.js';
import { loadPitfile } from '../config/load.js';
import type { FileWatcherConfig, Pitfile } from '../model/pitfile.js';
import { shortSocketPath, SOCKET_PATH_MAX } from '../control/socket-path.js';
import { stateDirPaths } from '../state-dir.js';
import { watchScope } from '../watchers/file-watcher.js';
import { engines } from '../version.js';
import { builtins } from '../plugins/builtins.js';
import { delegatedCgroup } from '../process/cgroup.js';
import { chooseSqlite } from '../journal/sqlite.js';
import type { CheckResult, DoctorInputs } from './check-result.js';

export const machineInputs = (cwd: string, config?: string, deep = false): DoctorInputs => ({
  cwd,
  config,
  deep,
  env: process.env,
  nodeVersion: process.version,
  maxUserWatches: () => {
    try {
      return Number(readFileSync('/proc/sys/fs/inotify/max_user_watches', 'utf8').trim());
    } catch {
      return null;
    }
  },
  systemdRunning: () => existsSync('/run/systemd/system'),
  which: (cmd, path) => which.sync(cmd, { nothrow: true, ...(path === undefined ? {} : { path }) }),
  cgroup: () => delegatedCgroup(),
  sqlite: () => {
    try {
      return { name: chooseSqlite() };
    } catch (e) {
      if (e instanceof PitError) return { error: e };
      throw e;
    }
  },
  procReadable: () => {
    try {
      return readFileSync('/proc/self/stat', 'latin1').length > 0;
    } catch {
      return false;
    }
  },
});

type Check = (inputs: DoctorInputs, pitfile: Pitfile | null) => CheckResult | Promise<CheckResult>;

const needsPitfile = (check: string): CheckResult => ({ check, status: 'skip', detail: 'needs a valid pitfile' });

const node: Check = ({ nodeVersion }) => {
  const ok = semver.satisfies(nodeVersion, engines.node);
  return {
    check: 'node',
    status: ok ? 'ok' : 'fail',
    detail: `${nodeVersion} (Pit needs ${engines.node})`,
    fix: ok ? undefined : 'install a newer Node.js, e.g. from your distribution or https://nodejs.org',
  };
};

/** The journal's SQLite: Node's own, or better-sqlite3 with its compiled module. */
const journal: Check = ({ sqlite, nodeVersion }) => {
  const found = sqlite();
  if ('error' in found) return { check: 'journal', status: 'fail', detail: `${found.error.message} [${found.error.code}]`, fix: found.error.fix };
  return { check: 'journal', status: 'ok', detail: found.name === 'node:sqlite' ? `SQLite built into Node ${nodeVersion}` : 'SQLite from better-sqlite3' };
};

const stateDir: Check = ({ cwd }, pitfile) => {
  if (!pitfile) return needsPitfile('state dir');
  const dir = pitfile.settings.stateDir;
  const probe = join(dir, `.doctor-${process.pid}`);
  const existed = existsSync(dir);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(probe, '');
    rmSync(probe);
    // A check leaves no trace: the engine makes .pit/ when it first runs.
    if (!existed) rmSync(dir, { recursive: true });
    return { check: 'state dir', status: 'ok', detail: `${displayPath(dir, cwd)} is writable` };
  } catch (e) {
    return {
      check: 'state dir',
      status: 'fail',
      detail: `cannot write in ${displayPath(dir, cwd)}: ${(e as NodeJS.ErrnoException).code ?? e}`,
      fix: `make it a directory you own (chown, chmod u+rwx), or point settings.state_dir elsewhere`,
    };
  }
};

const socketPath: Check = ({ env, cwd }, pitfile) => {
  if (!pitfile) return needsPitfile('socket path');
  const preferred = stateDirPaths(pitfile.settings.stateDir).socket;
  const bytes = Buffer.byteLength(preferred);
  if (bytes <= SOCKET_PATH_MAX) return { check: 'socket path', status: 'ok', detail: `${displayPath(preferred, cwd)} (${bytes} of ${SOCKET_PATH_MAX} bytes)` };
  const short = shortSocketPath(pitfile.settings.stateDir, env);
  return {
    check: 'socket path',
    status: 'warn',
    detail: `${bytes} bytes is over the ${SOCKET_PATH_MAX}-byte limit for a socket: the engine listens on ${short} instead`,
    fix: 'nothing to do for the CLI; tools that expect .pit/engine.sock should read .pit/engine.sock.path',
  };
};

const inotify: Check = ({ maxUserWatches }, pitfile) => {
  if (!pitfile) return needsPitfile('inotify');
  const files = Object.values(pitfile.watchers).filter((w): w is FileWatcherConfig => w.kind === 'file');
  const limit = maxUserWatches();
  if (!files.length) return { check: 'inotify', status: 'ok', detail: 'no file watchers' };
  // One watch per directory (see file-watcher.ts), plus the pitfile's own.
  const needed = 1 + files.reduce((n, w) => n + watchedDirs(w, pitfile.settings.stateDir), 0);
  if (limit === null) return { check: 'inotify', status: 'warn', detail: `${needed} directory watches needed; cannot read the limit (no inotify?)` };
  const detail = `${needed} directory watches needed; the limit is ${limit}`;
  const fix = `raise it: sudo sysctl fs.inotify.max_user_watches=${Math.max(524288, needed * 2)} (and the same line in /etc/sysctl.d/60-pit.conf), or narrow the watchers' paths`;
  if (needed > limit) return { check: 'inotify', status: 'fail', detail, fix };
  // Editors, IDEs and other watchers share the same per-user limit.
  if (needed > limit / 2) return { check: 'inotify', status: 'warn', detail: `${detail}, leaving little for editors and other tools`, fix };
  return { check: 'inotify', status: 'ok', detail };
};

function watchedDirs(w: FileWatcherConfig, excludeDir: string): number {
  const { rel, isRelevantDir, isSkipped } = watchScope(w, excludeDir);
  let n = 0;
  const walk = (abs: string) => {
    n++;
    let entries;
    try {
      entries = readdirSync(abs, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (!e.isDirectory()) continue;
      const child = join(abs, e.name);
      const r = rel(child);
      if (!isSkipped(r) && isRelevantDir(r)) walk(child);
    }
  };
  walk(w.root);
  return n;
}

const service: Check = ({ which: find, systemdRunning }) => {
  const systemctl = find('systemctl');
  const supervisord = find('supervisord');
  const ways = [systemctl && systemdRunning() ? 'systemd (running)' : null, supervisord ? `supervisord (${supervisord})` : null].filter(Boolean);
  if (ways.length) return { check: 'service', status: 'ok', detail: `engine service install can use ${ways.join(' or ')}` };
  return {
    check: 'service',
    status: 'fail',
    detail: systemctl ? 'systemctl is installed but systemd is not running here (a container?), and supervisord is not installed' : 'neither systemd nor supervisord is available',
    fix: 'engine service install --dry-run still prints the unit; or install supervisor (apt-get install supervisor)',
  };
};

/** How far a stop reaches on this machine (docs/processes.md). */
const containment: Check = ({ procReadable, cgroup }) => {
  const check = 'process containment';
  const delegated = cgroup();
  if (delegated.dir !== null) return { check, status: 'ok', detail: `cgroup v2 delegated: each run in its own cgroup under ${delegated.dir}, ended with cgroup.kill` };
  if (!procReadable()) {
    // Parentage and PIT_RUN both come from /proc: without it only the process group is reached.
    return { check, status: 'warn', detail: 'process groups only: /proc is not readable, so a descendant that calls setsid() outlives its stop', fix: 'mount /proc (proc on /proc type proc)' };
  }
  return { check, status: 'ok', detail: `process groups + /proc descendant tracking (not cgroup v2: ${delegated.why})` };
};

/** The PATH systemd gives a service (and supervisord's usual environment): no ~/.local, pyenv, nvm or venv. */
export const SERVICE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * A program found through this shell's PATH (a pyenv shim, nvm's node, an
 * activated venv) may be another one, or none, once engine service install
 * runs the engine under a service manager. Lookups only: nothing runs.
 */
const servicePath: Check = ({ which: find }, pitfile) => {
  const check = 'service PATH';
  if (!pitfile) return needsPitfile(check);
  const differ: string[] = [];
  for (const p of Object.values(pitfile.processes)) {
    const program = typeof p.command === 'string' ? shellProgram(p.command) : p.command[0];
    // A path, or a PATH the process sets itself, resolves the same anywhere.
    if (!program || program.includes('/') || p.env.PATH !== undefined) continue;
    const here = find(program);
    const there = find(program, SERVICE_PATH);
    if (here !== there) differ.push(`${p.name}: ${program} is ${here ?? 'not found'} here, ${there ?? 'not found'} under a service manager`);
  }
  if (!differ.length) return { check, status: 'ok', detail: `each process's program resolves the same on a service manager's PATH (${SERVICE_PATH})` };
  return {
    check,
    status: 'warn',
    detail: differ.join('; '),
    fix: `write the program's full path in "command", or set env.PATH for the process; engine service install carries this shell's PATH into its unit, but a unit written otherwise runs it with PATH=${SERVICE_PATH}`,
  };
};

/** Run every check; the pitfile is loaded once and shared. */
export async function runDoctor(inputs: DoctorInputs): Promise<CheckResult[]> {
  let pitfile: Pitfile | null = null;
  let pitfileResult: CheckResult;
  try {
    let warnings: PitError[];
    ({ pitfile, warnings } = await loadPitfile({ cwd: inputs.cwd, config: inputs.config, env: inputs.env, machine: true }));
    const [p, w] = [Object.keys(pitfile.processes).length, Object.keys(pitfile.watchers).length];
    pitfileResult = { check: 'pitfile', status: 'ok', detail: `${displayPath(pitfile.file, inputs.cwd)} is valid: ${p} process${p === 1 ? '' : 'es'}, ${w} watcher${w === 1 ? '' : 's'}` };
    if (warnings.length) {
      const more = warnings.length > 1 ? ` (and ${warnings.length - 1} more)` : '';
      pitfileResult = { ...pitfileResult, status: 'warn', detail: formatPitWarning(warnings[0], inputs.cwd).split('\n')[0] + more, fix: 'engine validate lists every warning with file:line:column' };
    }
  } catch (e) {
    const first = e instanceof PitfileError ? e.errors[0] : null;
    pitfileResult = {
      check: 'pitfile',
      status: 'fail',
      detail: first ? formatPitError(first, inputs.cwd).split('\n')[0] + (e instanceof PitfileError && e.errors.length > 1 ? ` (and ${e.errors.length - 1} more)` : '') : String(e),
      fix: first?.code === 'PIT_E_CONFIG_NOT_FOUND' ? 'engine init writes a starter pitfile.yaml' : 'engine validate lists every problem with file:line:column',
    };
  }
  const rest = await Promise.all([stateDir, socketPath, inotify, service, servicePath, containment].map((c) => c(inputs, pitfile)));
  // Then what the built-in plugins check (python-installer: the package index, each Python process's environment).
  const added = await Promise.all(builtins().map((b) => b.definition.doctor?.(inputs, pitfile) ?? []));
  return [node(inputs, pitfile) as CheckResult, journal(inputs, pitfile) as CheckResult, pitfileResult, ...rest, ...added.flat()];
}
