// Writing a pid record's file, when the disk may be full. A record that
// cannot be written must not stop the supervisor that spawned the process:
// it is said once per state dir (to whoever listens: the engine), kept, and
// tried again every RETRY_MS until it is written or its process is gone.
import { rmSync } from 'node:fs';
import { replacePrivate } from '../private-file.js';
import { errors, type PitError } from '../errors.js';

const RETRY_MS = 1000;
const unwritten = new Map<string, { stateDir: string; json: string }>();
const listeners = new Map<string, (e: PitError | null) => void>();
const failing = new Set<string>();
let retry: NodeJS.Timeout | null = null;

/** Hear about `stateDir`'s pid records failing to be written (a PitError, once) and being written again (null). */
export function onPidRecordTrouble(stateDir: string, listener: (e: PitError | null) => void): () => void {
  listeners.set(stateDir, listener);
  return () => {
    if (listeners.get(stateDir) === listener) listeners.delete(stateDir);
  };
}

/** Write `json` to `file` whole (aside, then renamed), now or, on failure, at a later retry. */
export function writeRecordFile(stateDir: string, file: string, json: string): void {
  unwritten.delete(file);
  if (tryWrite(stateDir, file, json)) return;
  unwritten.set(file, { stateDir, json });
  retry ??= setInterval(retryUnwritten, RETRY_MS).unref();
}

/** Remove `file`, and give up writing it if it was waiting. */
export function removeRecordFile(file: string): void {
  unwritten.delete(file);
  try {
    rmSync(file, { force: true });
  } catch { /* left for the next engine, which finds its group gone */ }
}

function tryWrite(stateDir: string, file: string, json: string): boolean {
  // Written aside then renamed, so a crash never leaves half a record.
  try {
    replacePrivate(file, json);
    return true;
  } catch (e) {
    if (!failing.has(stateDir)) {
      failing.add(stateDir);
      listeners.get(stateDir)?.(errors.PIT_E_PIDS_WRITE(file, (e as NodeJS.ErrnoException).code ?? String(e)));
    }
    return false;
  }
}

function retryUnwritten(): void {
  for (const [file, { stateDir, json }] of unwritten) if (tryWrite(stateDir, file, json)) unwritten.delete(file);
  const waiting = new Set([...unwritten.values()].map((u) => u.stateDir));
  for (const dir of failing) {
    if (waiting.has(dir)) continue;
    failing.delete(dir);
    listeners.get(dir)?.(null);
  }
  if (unwritten.size === 0) {
    clearInterval(retry!);
    retry = null;
  }
}
