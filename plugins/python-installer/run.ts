// Running an install command: in its own process group so a timeout ends
// pip and whatever it spawned, with only the end of its output kept (an
// installer that prints 10 MB costs 64 KiB).
import { spawn } from 'node:child_process';
import type { InstallCommand } from './command.js';

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

export function runInstall(cmd: InstallCommand, timeoutMs: number, env: NodeJS.ProcessEnv = process.env): Promise<RunResult> {
  const startedAt = Date.now();
  return new Promise((resolve) => {
    const child = spawn(cmd.argv[0], cmd.argv.slice(1), { cwd: cmd.cwd ?? undefined, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
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
      const text = tail.subarray(Math.max(0, tail.length - KEEP_BYTES)).toString('utf8');
      resolve({ ...r, timedOut, outputTail: text, startedAt, durationMs: Date.now() - startedAt });
    };
    child.once('error', (e) => finish({ ok: false, exitCode: null, signal: null, error: `could not start ${cmd.argv[0]}: ${e.message}` }));
    child.once('close', (code, signal) => finish({ ok: code === 0 && !timedOut, exitCode: code, signal }));
  });
}
