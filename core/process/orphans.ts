// Pid records, so a new engine can end what a killed one left running. A
// record holds the pid and its start time: a pid that was reused by another
// program since has a different start time and is never touched.
import { readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readProcStat } from './proc-stat.js';
import { killGroup, stopGroup } from './stop.js';
import { stateDirPaths } from '../state-dir.js';

interface PidRecord {
  name: string;
  pid: number;
  pgid: number;
  startTime: number;
  enginePid: number;
}

export interface OrphanReport {
  name: string;
  pid: number;
  outcome: 'ended' | 'gone' | 'pid reused, left alone';
}

const recordPath = (stateDir: string, name: string) => join(stateDirPaths(stateDir).pids, `${name}.json`);

/** Remember that `pid` (leader of its group) runs process `name`. */
export function writePidRecord(stateDir: string, name: string, pid: number): void {
  const stat = readProcStat(pid);
  if (!stat) return; // already gone: nothing to remember
  const record: PidRecord = { name, pid, pgid: pid, startTime: stat.startTime, enginePid: process.pid };
  const file = recordPath(stateDir, name);
  // Written aside then renamed, so a crash never leaves half a record.
  writeFileSync(`${file}.tmp`, JSON.stringify(record), { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}

/** Forget process `name` (its group is gone). */
export function removePidRecord(stateDir: string, name: string): void {
  rmSync(recordPath(stateDir, name), { force: true });
}

/** End every recorded process still running under its recorded start time. */
export async function endOrphans(stateDir: string, timeoutMs = 5000): Promise<OrphanReport[]> {
  const dir = stateDirPaths(stateDir).pids;
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  } catch {
    return [];
  }
  return Promise.all(
    files.map(async (f): Promise<OrphanReport> => {
      const file = join(dir, f);
      let rec: PidRecord;
      try {
        rec = JSON.parse(readFileSync(file, 'utf8'));
      } catch {
        rmSync(file, { force: true });
        return { name: f.replace(/\.json$/, ''), pid: 0, outcome: 'gone' };
      }
      const stat = readProcStat(rec.pid);
      let outcome: OrphanReport['outcome'] = 'gone';
      if (stat && stat.startTime === rec.startTime && stat.state !== 'Z') {
        const exited = waitUntilGone(rec.pid, rec.startTime, timeoutMs);
        const { killed } = await stopGroup(rec.pgid, { signal: 'SIGTERM', timeoutMs, exited });
        if (killed) killGroup(rec.pgid, 'SIGKILL');
        outcome = 'ended';
      } else if (stat) outcome = 'pid reused, left alone';
      rmSync(file, { force: true });
      return { name: rec.name, pid: rec.pid, outcome };
    }),
  );
}

/** The orphan is not our child, so no 'exit' event: watch /proc instead. */
async function waitUntilGone(pid: number, startTime: number, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs + 1000;
  while (Date.now() < end) {
    const st = readProcStat(pid);
    if (!st || st.startTime !== startTime || st.state === 'Z') return;
    await new Promise((r) => setTimeout(r, 25));
  }
}
