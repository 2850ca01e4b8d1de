// What may follow the exception a process died of: the dying words of the
// program around it (gunicorn's master, pytest's summary, docker compose's
// "exited with code 1"), never more than a few. Anything else after it
// means the process lived on: the exception was handled, logged, or quoted.

/** More lines than this after the exception: the process lived on after it. */
export const MAX_TRAILER_LINES = 40;

const TRAILERS = [
  // Log records: "[2026-11-23 06:51:37 +0000] [14116] [INFO] Worker exiting", "2026-01-01 12:00:00,123 ...".
  /^\[\d{4}-\d\d-\d\d[ T]/,
  /^\d{4}-\d\d-\d\d[ T]\d/,
  // pytest's summary: "=== short test summary info ===", "!!! Interrupted: 1 error during collection !!!", "ERROR t.py", "1 error in 0.1s".
  /^[=!_]{3}/,
  /^(?:ERROR|FAILED) \S/,
  /^\d+ (?:errors?|failed|passed|skipped)\b/,
  // docker compose: "web-1 exited with code 1", and a service's empty line: "worker_1    |".
  /^[\w.-]+ exited with code \d+$/,
  /^[\w.-]+ *\|$/,
  // Django's MySQL backend: "Error loading MySQLdb module." then this.
  /^Did you install [\w.-]+\?$/,
];

/** Whether `text` (prefix removed) may follow the fatal exception whose message is `message`. */
export function isTrailer(text: string, message: string): boolean {
  const t = text.trim();
  return !t || t === message || TRAILERS.some((re) => re.test(t));
}
