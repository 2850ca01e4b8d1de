// Pid records, so a new engine can end what a killed one left running. A
// record holds the leader's pid and start time: a pid reused by another
// program since has another start time and is never touched. There is one
// record per run (<name>.<pid>.json), kept until that run's group and
// escapees are gone: a restart may start the next run while the last one's
// stop is still waiting for a process that ignores SIGTERM, and an engine
// killed then must leave both findable.
import { lstatSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { STOP_SIGNALS } from '../model/pitfile.js';
import { join } from 'node:path';
import { readProcStat, scanGroups } from './proc-stat.js';
import { stopEscapees, stopGroup } from './stop.js';
import { findEscapees, type Escapee } from './descendants.js';
import { cgroupEscapees, killCgroup, rmCgroup, waitForEmptyCgroup } from './cgroup.js';
import { stateDirPaths } from '../state-dir.js';
import { removeRecordFile, writeRecordFile } from './pid-record-file.js';

/** What <stateDir>/pids/<name>.<pid>.json holds until that run of process `name` is gone. */
export interface PidRecord {
  name: string;
  pid: number;
  pgid: number;
  startTime: number;
  enginePid: number;
  /** How the process asked to be stopped; an orphan is stopped the same way. */
  stop?: { signal: NodeJS.Signals; timeoutMs: number };
  /** The run's PIT_RUN marker, which its descendants inherit. */
  token?: string;
  /** Descendants that left the group, as last seen. */
  escaped?: Escapee[];
  /** The run's own cgroup (delegated cgroup v2), if it had one. */
  cgroup?: string | null;
}

/** What a run's record says beyond its leader. */
export interface RunDetails {
  stop?: PidRecord['stop'];
  token?: string;
  escaped?: Escapee[];
  cgroup?: string | null;
}

export interface OrphanReport {
  name: string;
  pid: number;
  /** ended: it (or what it left in its group) was running and is now stopped. */
  outcome: 'ended' | 'gone' | 'pid reused, left alone' | `stale record removed, not acted on: ${string}`;
}

// An orphan's own stop timeout may be long; a new engine should not wait
// that long at start-up for a process that ignores its stop signal.
const defaultTimeoutMs = 3000;

const recordPath = (stateDir: string, name: string, pid: number) => join(stateDirPaths(stateDir).pids, `${name}.${pid}.json`);

/**
 * Remember that `pid` (leader of its own group) runs process `name`; called
 * again when its escapees change. False when the leader is already gone.
 */
export function writePidRecord(stateDir: string, name: string, pid: number, details: RunDetails = {}): boolean {
  const stat = readProcStat(pid);
  if (!stat) return false; // already gone: nothing to remember
  const { stop, token, escaped, cgroup } = details;
  const record: PidRecord = {
    name, pid, pgid: pid, startTime: stat.startTime, enginePid: process.pid,
    ...(stop && { stop }), ...(token && { token }), ...(escaped?.length && { escaped }), ...(cgroup && { cgroup }),
  };
  // Never throws: a full disk is reported and retried (pid-record-file.ts).
  writeRecordFile(stateDir, recordPath(stateDir, name, pid), JSON.stringify(record));
  return true;
}

/** Forget run `pid` of process `name` (its group and escapees are gone). */
export function removePidRecord(stateDir: string, name: string, pid: number): void {
  removeRecordFile(recordPath(stateDir, name, pid));
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
  return Promise.all(records.map((f) => endOrphan(join(dir, f), f.replace(/(\.\d+)?\.json$/, ''), opts.timeoutMs)));
}

async function endOrphan(file: string, fallbackName: string, timeoutMs?: number): Promise<OrphanReport> {
  let rec: PidRecord;
  try {
    rec = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    rmSync(file, { force: true });
    return { name: fallbackName, pid: 0, outcome: 'gone' };
  }
  // A record says what to kill: one this engine could not have written is never obeyed.
  const forged = untrusted(file) ?? malformed(rec);
  if (forged) {
    rmSync(file, { force: true });
    return { name: typeof rec.name === 'string' ? rec.name : fallbackName, pid: Number(rec.pid) || 0, outcome: `stale record removed, not acted on: ${forged}` };
  }
  const group = verdict(rec);
  let outcome = group;
  // Escapees are known by start time or by the run's marker, whatever became
  // of the group; its number counts only while the group is still the run's.
  const family = {
    pgid: group === 'ended' ? rec.pgid : -1,
    token: typeof rec.token === 'string' ? rec.token : null,
    since: rec.startTime,
    // A descendant starts after its run's leader.
    escaped: Array.isArray(rec.escaped) ? rec.escaped.filter((e) => Number.isInteger(e.pid) && e.pid > 1 && e.startTime >= rec.startTime) : [],
  };
  // A run's cgroup holds only that run's processes, whatever they did.
  const cgroup = typeof rec.cgroup === 'string' && /\/run-[0-9a-f]+$/.test(rec.cgroup) ? rec.cgroup : null;
  const escaped = rec.startTime > 0 ? findEscapees(family) : [];
  if (cgroup) escaped.push(...cgroupEscapees(cgroup, family.pgid).filter((e) => !escaped.some((x) => x.pid === e.pid)));
  if (outcome === 'gone' && escaped.length) outcome = 'ended';
  if (outcome !== 'gone') {
    const signal = rec.stop?.signal ?? 'SIGTERM';
    const timeout = Math.min(timeoutMs ?? defaultTimeoutMs, rec.stop?.timeoutMs ?? Infinity);
    // A reused leader pid means the group number is another program's now: only the escapees are ours.
    if (group === 'ended') await stopGroup(rec.pgid, { signal, timeoutMs: timeout, escaped: async () => findEscapees(family), cgroup });
    else {
      await stopEscapees(escaped, { signal, timeoutMs: timeout });
      if (cgroup) killCgroup(cgroup);
    }
  }
  if (cgroup) {
    await waitForEmptyCgroup(cgroup, 5000);
    rmCgroup(cgroup);
  }
  rmSync(file, { force: true });
  return { name: rec.name, pid: rec.pid, outcome };
}

/** Why the file at `file` is not a record this user's engine wrote (a regular file of theirs, 0600); null if it is. */
function untrusted(file: string): string | null {
  const st = lstatSync(file, { throwIfNoEntry: false });
  if (!st || !st.isFile()) return 'not a regular file';
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid) return `owned by user ${st.uid}`;
  if ((st.mode & 0o777) !== 0o600) return `mode ${(st.mode & 0o777).toString(8)}, not 600`;
  return null;
}

/** Why `rec` cannot be a record of a run (a group led by its pid, a start time, a signal a pitfile allows); null if it can. */
function malformed(rec: PidRecord): string | null {
  if (!Number.isInteger(rec.pid) || rec.pid <= 1 || rec.pgid !== rec.pid) return `group ${rec.pgid} is not led by pid ${rec.pid}`;
  if (!(Number.isInteger(rec.startTime) && rec.startTime > 0)) return 'no start time';
  if (rec.stop !== undefined && !STOP_SIGNALS.includes(rec.stop.signal)) return `signal ${String(rec.stop.signal)} is not one a pitfile allows`;
  return null;
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
