// What an engine doctor check reads and reports: its own module, so the
// plugin contract (a built-in adds checks) can name these types without
// importing the checks, which import the built-ins.
import type { PitError } from '../errors.js';

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

export interface CheckResult {
  check: string;
  status: CheckStatus;
  detail: string;
  fix?: string;
}

/** What the checks read from the machine. */
export interface DoctorInputs {
  cwd: string;
  config?: string;
  env: NodeJS.ProcessEnv;
  nodeVersion: string;
  /** fs.inotify.max_user_watches, or null where there is no inotify. */
  maxUserWatches(): number | null;
  systemdRunning(): boolean;
  /** The absolute path of `cmd` on PATH (or on `path` when given), or null. */
  which(cmd: string, path?: string): string | null;
  /** Also run the project's interpreters (--deep); off, doctor runs no project code. */
  deep?: boolean;
  /** Whether /proc/<pid>/stat can be read (parentage and PIT_RUN come from there). */
  procReadable(): boolean;
  /** The SQLite the journal would run on, or the error that says there is none. */
  sqlite(): { name: string } | { error: PitError };
  /** The delegated cgroup v2 directory the engine would put runs under, or why there is none. */
  cgroup(): { dir: string } | { dir: null; why: string };
}
