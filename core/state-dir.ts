// .pit/: where an engine keeps what it must remember between runs. Only the
// owner may use it: it holds the socket, the dashboard's token, pid records
// (which say what to kill) and logs. Every path under it is named here.
import { lstatSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { errors } from './errors.js';

/** settings.state_dir when the pitfile names none (the schema's default), beside the pitfile. */
export const DEFAULT_STATE_DIR = '.pit';

/** The paths under a state directory. */
export function stateDirPaths(stateDir: string) {
  const socket = join(stateDir, 'engine.sock');
  return {
    logs: join(stateDir, 'logs'),
    pids: join(stateDir, 'pids'),
    lock: join(stateDir, 'engine.lock'),
    socket,
    /** Where the socket is when the state dir is too deep for one (socket-path.ts). */
    socketPointer: `${socket}.path`,
    heartbeat: join(stateDir, 'engine.heartbeat'),
    journal: join(stateDir, 'journal.db'),
    dashboardToken: join(stateDir, 'dashboard.token'),
    /** engine run --daemon's output and pid. */
    daemonLog: join(stateDir, 'engine.log'),
    daemonPid: join(stateDir, 'engine.pid'),
  };
}

/** The log file of process `name`. */
export const logPath = (stateDir: string, name: string) => join(stateDirPaths(stateDir).logs, `${name}.log`);

/** The log file of reaction `id`'s run actions. */
export const reactionLogPath = (stateDir: string, id: string) => join(stateDirPaths(stateDir).logs, `reaction-${id}.log`);

/** A folder of a plugin's own in the state dir (python-installer: installer/), so a plugin names no path of the core's. */
export const pluginStateDir = (stateDir: string, folder: string) => join(stateDir, folder);

/** Create the state directory and its folders (mode 0700); refuse one that is not the user's alone. */
export function ensureStateDir(stateDir: string): void {
  const p = stateDirPaths(stateDir);
  for (const dir of [stateDir, p.logs, p.pids]) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    assertPrivateDir(dir);
  }
}

/**
 * Throw PIT_E_STATE_DIR_UNSAFE unless `dir` is a real folder (not a link to
 * one elsewhere), owned by this user, that no one else may write. Someone
 * who could write there could plant a pid record (a kill), swap the socket,
 * or read the token.
 */
export function assertPrivateDir(dir: string): void {
  const uid = process.getuid?.();
  const s = lstatSync(dir);
  const problem = s.isSymbolicLink()
    ? ['it is a symbolic link', `remove the link (rm ${dir}); Pit creates the folder`]
    : !s.isDirectory()
      ? ['it is not a folder', `move the file away (mv ${dir} ${dir}.old)`]
      : uid !== undefined && s.uid !== uid
        ? [`it belongs to user ${s.uid}`, `take it (sudo chown -R ${uid} ${dir}) or delete it`]
        : s.mode & 0o022
          ? ['it is writable by its group or by others', `chmod 700 ${dir}`]
          : null;
  if (problem) throw errors.PIT_E_STATE_DIR_UNSAFE(dir, problem[0], problem[1]);
}
