// Pid records, so a new engine can end what a killed one left running. A
// record holds the leader's pid and start time: a pid reused by another
// program since has another start time and is never touched.
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { readProcStat, scanGroups } from './proc-stat.js';
import { stopGroup } from './stop.js';
import { stateDirPaths } from '../state-dir.js';
import { removeRecordFile, writeRecordFile } from './pid-record-file.js';

/** What <stateDir>/pids/<name>.json holds while process `name` runs. */
export interface PidRecord {
  name: string;
  pid: number;
  pgid: number;
  startTime: number;
  enginePid: number;
  /** How the process asked to be stopped; an orphan is stopped the same way. */
  stop?: { signal: NodeJS.Signals; timeoutMs: number };
}

export interface OrphanReport {
  name: string;
  pid: number;
  /** ended: it (or what it left in its group) was running and is now stopped. */
  outcome: 'ended' | 'gone' | 'pid reused, left alone';
}

// An orphan's own stop timeout may be long; a new engine should not wait
// that long at start-up for a process that ignores its stop signal.
const defaultTimeoutMs = 3000;

const recordPath = (stateDir: string, name: string) => join(stateDirPaths(stateDir).pids, `${name}.json`);

/** Remember that `pid` (leader of its own group) runs process `name`. */
export function writePidRecord(stateDir: string, name: string, pid: number, stop?: PidRecord['stop']): void {
  const stat = readProcStat(pid);
  if (!stat) return; // already gone: nothing to remember
  const record: PidRecord = { name, pid, pgid: pid, startTime: stat.startTime, enginePid: process.pid, ...(stop && { stop }) };
  // Never throws: a full disk is reported and retried (pid-record-file.ts).
  writeRecordFile(stateDir, recordPath(stateDir, name), JSON.stringify(record));
}

/** Forget process `name` (its group is gone). */
export function removePidRecord(stateDir: string, name: string): void {
  removeRecordFile(recordPath(stateDir, name));
}

/** End every recorded group still running under its recorded start time; remove the records. */
export async function endOrphans(stateDir: string, opts: { timeoutMs?: number } = {}): Promise<OrphanReport[]> {
  const dir = stateDirPaths(stateDir).pids;
  let files: string[];
  try {
    files = readdirSync(dir);
  } catch {
    return [];
  }
  for (const f of files.filter((f) => f.endsWith('.tmp'))) rmSync(join(dir, f), { force: true });
  const records = files.filter((f) => f.endsWith('.json'));
  return Promise.all(records.map((f) => endOrphan(join(dir, f), f.slice(0, -'.json'.length), opts.timeoutMs)));
}

async function endOrphan(file: string, fallbackName: string, timeoutMs?: number): Promise<OrphanReport> {
  let rec: PidRecord;
  try {
    rec = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    rmSync(file, { force: true });
    return { name: fallbackName, pid: 0, outcome: 'gone' };
  }
  const outcome = verdict(rec);
  if (outcome === 'ended') {
    const signal = rec.stop?.signal ?? 'SIGTERM';
    await stopGroup(rec.pgid, { signal, timeoutMs: Math.min(timeoutMs ?? defaultTimeoutMs, rec.stop?.timeoutMs ?? Infinity) });
  }
  rmSync(file, { force: true });
  return { name: rec.name, pid: rec.pid, outcome };
}

/** Whether the record's group is still the one the old engine started. */
function verdict(rec: PidRecord): OrphanReport['outcome'] {
  if (!(rec.pgid > 1) || !(rec.pid > 1)) return 'gone';
  const leader = readProcStat(rec.pid);
  if (leader && leader.state !== 'Z') {
    return leader.startTime === rec.startTime ? 'ended' : 'pid reused, left alone';
  }
  // The leader is gone, but what it forked may live on in its group (a
  // shell killed by SIGPIPE when the old engine's pipes closed leaves its
  // children behind). Linux does not hand out a group's number while any
  // member lives; for these members to belong to another group, the old one
  // must have emptied, the number come round again as a new leader's pid,
  // and that leader have exited leaving children. Members older than the
  // record are never touched.
  const members = scanGroups().get(rec.pgid) ?? [];
  return members.some((pid) => (readProcStat(pid)?.startTime ?? -1) >= rec.startTime) ? 'ended' : 'gone';
}
