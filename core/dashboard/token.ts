// The dashboard's key: a random token in .pit/dashboard.token (0600). It is
// kept across restarts of the engine, so a page left open reconnects by
// itself when the engine comes back instead of asking for a new address;
// deleting the file makes the next engine choose a new one.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { stateDirPaths } from '../state-dir.js';
import { writePrivate } from '../private-file.js';

/** 192 bits, as hex. */
const TOKEN = /^[0-9a-f]{48}$/;

export const tokenFile = (stateDir: string) => stateDirPaths(stateDir).dashboardToken;

/** The token of the dashboard in `stateDir`: the one kept there when it is still private and well-formed, else a new one. */
export function dashboardToken(stateDir: string): string {
  const file = tokenFile(stateDir);
  const kept = readKept(file);
  if (kept) return kept;
  const token = randomBytes(24).toString('hex');
  writePrivate(file, `${token}\n`);
  return token;
}

/** The token the running engine's dashboard uses, as kept in `stateDir`; null when it is missing or not private. */
export const keptDashboardToken = (stateDir: string): string | null => readKept(tokenFile(stateDir));

/**
 * The token in `file` when only this user could have read or written it:
 * not a link, owned by us, mode 0600. Anything else is replaced, since
 * someone else may know it.
 */
function readKept(file: string): string | null {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    return null;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || st.uid !== process.getuid?.() || (st.mode & 0o077) !== 0 || st.size > 100) return null;
    const buf = Buffer.alloc(st.size);
    readSync(fd, buf, 0, st.size, 0);
    const text = buf.toString('utf8').trim();
    return TOKEN.test(text) ? text : null;
  } finally {
    closeSync(fd);
  }
}

/** Whether `given` is `token`, compared in constant time. */
export function isToken(given: string, token: string): boolean {
  const [x, y] = [Buffer.from(given), Buffer.from(token)];
  return x.length === y.length && timingSafeEqual(x, y);
}
