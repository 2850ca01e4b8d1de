// Files in .pit/ that only the engine's user may read or write: the token,
// pid records, the journal, the logs, the daemon's pid and log. A mode given to open() applies only when
// the file is created, and only after the umask, so each is also chmod-ed
// by descriptor; and none is opened through a symbolic link, so a link
// planted in .pit/ cannot turn a write into one of a file elsewhere.
import { randomBytes } from 'node:crypto';
import { closeSync, constants, fchmodSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { errors } from './errors.js';

const { O_CREAT, O_EXCL, O_NOFOLLOW, O_RDWR, O_TRUNC, O_WRONLY, O_APPEND } = constants;

/** Open `file` with `flags` (never through a link), as 0600 whatever the umask; returns the descriptor. */
export function openPrivate(file: string, flags: number): number {
  let fd: number;
  try {
    fd = openSync(file, flags | O_NOFOLLOW, 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ELOOP') throw errors.PIT_E_STATE_FILE_LINK(file);
    throw e;
  }
  fchmodSync(fd, 0o600);
  return fd;
}

/** The flags for a file written by appending. */
export const APPEND = O_WRONLY | O_APPEND | O_CREAT;
/** The same, with its last byte readable (a log). */
export const APPEND_READ = O_RDWR | O_APPEND | O_CREAT;

/** Write `data` to `file`, replacing what it held. */
export function writePrivate(file: string, data: string): void {
  const fd = openPrivate(file, O_WRONLY | O_CREAT | O_TRUNC);
  try {
    writeSync(fd, data);
  } finally {
    closeSync(fd);
  }
}

/**
 * Replace `file` with `data` whole: written to a new file with a name no one
 * can guess (and so cannot plant first), then renamed over it.
 */
export function replacePrivate(file: string, data: string): void {
  const tmp = `${file}.${randomBytes(8).toString('hex')}.tmp`;
  try {
    const fd = openPrivate(tmp, O_WRONLY | O_CREAT | O_EXCL);
    try {
      writeSync(fd, data);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** Make sure `file` exists as a private file (before a library such as SQLite opens it by name). */
export function ensurePrivate(file: string): void {
  closeSync(openPrivate(file, O_RDWR | O_CREAT));
}
