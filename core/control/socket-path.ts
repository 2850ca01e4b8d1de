// Where a project's engine listens. A Unix socket path may hold at most 107
// bytes on Linux; a project deep in the tree gets a short path under the
// runtime directory instead, and .pit/engine.sock.path says where it is.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { writePrivate } from '../private-file.js';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { assertPrivateDir, stateDirPaths } from '../state-dir.js';

/** sun_path is 108 bytes with its terminating NUL. */
export const SOCKET_PATH_MAX = 107;

const pointerOf = (stateDir: string) => stateDirPaths(stateDir).socketPointer;

/** The path a new engine of `stateDir` listens on (the short one recorded, when needed). */
export function chooseSocketPath(stateDir: string): string {
  const preferred = stateDirPaths(stateDir).socket;
  if (Buffer.byteLength(preferred) <= SOCKET_PATH_MAX) {
    rmSync(pointerOf(stateDir), { force: true });
    return preferred;
  }
  const short = shortSocketPath(stateDir);
  mkdirSync(dirname(short), { recursive: true, mode: 0o700 });
  // In /tmp, anyone could have made /tmp/pit-<uid> first, and so own our socket's folder.
  assertPrivateDir(dirname(short));
  writePrivate(pointerOf(stateDir), short);
  return short;
}

/** Where a state dir too deep for a socket gets its socket: under the runtime dir, named by a hash of the dir. */
export function shortSocketPath(stateDir: string, env: NodeJS.ProcessEnv = process.env): string {
  const runtime = env.XDG_RUNTIME_DIR || join(tmpdir(), `pit-${userInfo().uid}`);
  return join(runtime, `pit-${createHash('sha256').update(stateDir).digest('hex').slice(0, 16)}.sock`);
}

/** The path the engine of `stateDir` listens on, as clients find it. */
export function findSocketPath(stateDir: string): string {
  try {
    return readFileSync(pointerOf(stateDir), 'utf8').trim();
  } catch {
    return stateDirPaths(stateDir).socket;
  }
}
