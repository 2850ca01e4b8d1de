// Running an install command: in its own process group so a timeout ends
// pip and whatever it spawned, with only the end of its output kept (an
// installer that prints 10 MB costs 64 KiB). It runs in a private empty
// folder (0700, removed after): nothing in a working directory can be read
// by pip as a local package, and the index options file with a token in its
// URL is readable by this user only.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { devNull, tmpdir } from 'node:os';
import { join } from 'node:path';
import { redactUrls } from '../../core/index.js';
import { INDEX_OPTIONS, pipIndexOptions, uvIndexEnv, type CommandOptions, type InstallCommand } from './command.js';

const KEEP_BYTES = 64 * 1024;
/** After SIGTERM at the timeout, how long before SIGKILL. */
const KILL_AFTER_MS = 5000;

export interface RunResult {
  ok: boolean;
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  /** The command could not be started (not installed, not executable). */
  error?: string;
  outputTail: string;
  startedAt: number;
  durationMs: number;
}

/** The command's argv, environment and folder for one run, in a new private folder. */
export function prepareRun(cmd: InstallCommand, index: Pick<CommandOptions, 'indexUrl' | 'extraIndexUrls'>, env: NodeJS.ProcessEnv): { argv: string[]; env: NodeJS.ProcessEnv; cwd: string } {
  const cwd = mkdtempSync(join(tmpdir(), 'pit-install-'));
  const argv = [...cmd.argv];
  const at = argv.indexOf(INDEX_OPTIONS);
  const clean: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(env).filter(([k]) => !k.startsWith('PIP_') && !/^UV_(DEFAULT_)?INDEX(_URL)?$|^UV_EXTRA_INDEX_URL$/.test(k)));
  if (at >= 0) {
    const file = join(cwd, 'index-options.txt');
    writeFileSync(file, pipIndexOptions(index), { mode: 0o600 });
    argv[at] = file;
  }
  // --isolated still reads the global and the environment's pip.conf; PIP_CONFIG_FILE=/dev/null reads none.
  return { argv, cwd, env: { ...clean, PIP_CONFIG_FILE: devNull, ...(argv[0] === 'uv' ? uvIndexEnv(index) : {}) } };
}

export function runInstall(cmd: InstallCommand, timeoutMs: number, env: NodeJS.ProcessEnv = process.env, index: Pick<CommandOptions, 'indexUrl' | 'extraIndexUrls'> = { indexUrl: null, extraIndexUrls: [] }): Promise<RunResult> {
  const startedAt = Date.now();
  const run = prepareRun(cmd, index, env);
  return new Promise((resolve) => {
    const child = spawn(run.argv[0], run.argv.slice(1), { cwd: run.cwd, env: run.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = Buffer.alloc(0);
    const keep = (b: Buffer) => {
      tail = Buffer.concat([tail, b]);
      if (tail.length > KEEP_BYTES * 2) tail = tail.subarray(tail.length - KEEP_BYTES);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let timedOut = false;
    const killGroup = (signal: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, signal);
      } catch { /* already gone */ }
    };
    let hard: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup('SIGTERM');
      hard = setTimeout(() => killGroup('SIGKILL'), KILL_AFTER_MS);
    }, timeoutMs);
    const finish = (r: Omit<RunResult, 'startedAt' | 'durationMs' | 'outputTail' | 'timedOut'>) => {
      clearTimeout(timer);
      clearTimeout(hard);
      rmSync(run.cwd, { recursive: true, force: true });
      // pip prints the index it looks in ("Looking in indexes: https://user:****@…"): no credentials in events.
      const text = redactUrls(tail.subarray(Math.max(0, tail.length - KEEP_BYTES)).toString('utf8'));
      resolve({ ...r, timedOut, outputTail: text, startedAt, durationMs: Date.now() - startedAt });
    };
    child.once('error', (e) => finish({ ok: false, exitCode: null, signal: null, error: `could not start ${cmd.argv[0]}: ${e.message}` }));
    child.once('close', (code, signal) => finish({ ok: code === 0 && !timedOut, exitCode: code, signal }));
  });
}
