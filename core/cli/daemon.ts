// engine run --daemon: the engine detaches into its own session, logs to
// .pit/engine.log, and the command returns once it is up (its control API
// answering), or says why it did not start. The log holds the engine's own
// lines only (each process has its own rotated log in .pit/logs/), and is
// rotated at each start once it is large.
import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import { closeSync, readFileSync, rmSync, statSync } from 'node:fs';
import { APPEND, openPrivate, writePrivate } from '../private-file.js';
import type { Pitfile } from '../model/pitfile.js';
import { ensureStateDir, stateDirPaths } from '../state-dir.js';
import { rotateLogFiles } from '../logs/rotate.js';
import { displayPath, errors } from '../errors.js';
import { exitCodes, reportError } from './output.js';
import { engineCommand } from './engine-command.js';

const READY = 'pit:ready';

export const daemonFiles = (stateDir: string) => ({ log: stateDirPaths(stateDir).daemonLog, pid: stateDirPaths(stateDir).daemonPid });

/** engine.log past this size at a start becomes engine.log.1 (and so on, ENGINE_LOG_KEEP kept). */
export const ENGINE_LOG_MAX_BYTES = 10 * 1024 * 1024;
const ENGINE_LOG_KEEP = 3;

/** True in the engine that `engine run --daemon` started. */
export const isDaemon = () => Boolean(process.env.PIT_DAEMON);

/**
 * Start `engine run` for `pitfile` in the background, with the flags and
 * process names `run` was given (`run`: its command); resolves to the exit
 * code of this command.
 */
export async function startDaemon(pitfile: Pitfile, run: Command): Promise<number> {
  const { stateDir } = pitfile.settings;
  ensureStateDir(stateDir);
  const files = daemonFiles(stateDir);
  if (sizeOf(files.log) > ENGINE_LOG_MAX_BYTES) rotateLogFiles(files.log, ENGINE_LOG_KEEP);
  const logStart = sizeOf(files.log);
  const out = openPrivate(files.log, APPEND);
  const [node, ...args] = engineCommand();
  const child = spawn(node, [...args, 'run', '--config', pitfile.file, ...runFlags(run), ...run.processedArgs.flat()], {
    detached: true,
    stdio: ['ignore', out, out, 'ipc'],
    env: { ...process.env, PIT_DAEMON: '1' },
  });
  closeSync(out);
  const outcome = await new Promise<string | null>((resolve) => {
    child.once('message', (m) => m === READY && resolve(null));
    child.once('exit', (code, signal) => resolve(`it exited (${signal ?? `code ${code}`}) before it was up`));
    child.once('error', (e) => resolve(e.message));
  });
  if (outcome !== null) return reportError(errors.PIT_E_DAEMON_START(`${outcome}${lastLines(files.log)}`, displayPath(files.log)));
  child.disconnect();
  child.unref();
  process.stdout.write(`engine running in the background (pid ${child.pid}); log: ${displayPath(files.log)}\n  status: engine status   stop: engine shutdown\n`);
  for (const line of addressLines(files.log, logStart)) process.stdout.write(`  ${line}\n`);
  return exitCodes.ok;
}

/**
 * The options `run` was given on its command line, but --daemon, as
 * arguments again: read from the command's own option list, so a flag added
 * to `run` reaches the engine in the background without a change here.
 */
export function runFlags(run: Command): string[] {
  return run.options.flatMap((option) => {
    const key = option.attributeName();
    const value = run.getOptionValue(key);
    if (key === 'daemon' || run.getOptionValueSource(key) !== 'cli' || value === undefined) return [];
    const flag = option.long ?? option.short!;
    if (typeof value === 'boolean') return value === !option.negate ? [flag] : [];
    // --flag=value: an optional value (--dashboard [host:port]) cannot be mistaken for the next flag.
    return [value].flat().flatMap((v) => (option.long ? [`${flag}=${v}`] : [flag, String(v)]));
  });
}

/** In a daemon, once the engine is up: write the pid file and tell the waiting command. */
export function announceDaemon(stateDir: string): { remove(): void } | null {
  if (!isDaemon() || !process.send) return null;
  const { pid } = daemonFiles(stateDir);
  writePrivate(pid, `${process.pid}\n`);
  process.send(READY);
  process.disconnect();
  return { remove: () => rmSync(pid, { force: true }) };
}

/**
 * The addresses the engine noted as it started (dashboard, metrics), from
 * its log since `from`: printed once, as `engine run` in a terminal does.
 * Only the engine's own notes ("pit | ") match; a plugin's are prefixed
 * with its name.
 */
function addressLines(log: string, from: number): string[] {
  try {
    const text = readFileSync(log).subarray(from).toString('utf8');
    return [...text.matchAll(/^pit +\| ((?:dashboard: |metrics on ).*)$/gm)].map((m) => m[1]);
  } catch {
    return [];
  }
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** The end of the daemon's log, where its reason to stop is. */
function lastLines(file: string): string {
  try {
    const text = readFileSync(file, 'utf8').trimEnd().split('\n').slice(-6).join('\n    ');
    return text ? `:\n    ${text}` : '';
  } catch {
    return '';
  }
}
