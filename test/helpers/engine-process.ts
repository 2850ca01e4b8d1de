// `engine run` as a real child process, with its output awaited line by line.
import { spawn, type ChildProcess } from 'node:child_process';
import { after } from 'node:test';
import { node, engineArgs } from './cli.js';
import { TextWaits } from './wait.js';

export interface RunningEngine {
  child: ChildProcess;
  /** Everything printed so far, stdout and stderr. */
  text(): string;
  /** Resolves with the first match of `re` in the output, now or later. */
  waitFor(re: RegExp, ms?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

/**
 * Start `engine run` in `cwd`; stopped after the test file if still running:
 * SIGTERM first, so it stops its children (a SIGKILLed engine leaves them
 * running until the next engine in that project), SIGKILL if it hangs.
 */
export function runEngineProcess(cwd: string, args: string[] = [], opts: { bin?: string; env?: NodeJS.ProcessEnv } = {}): RunningEngine {
  // `bin`: an installed `engine` instead of this checkout's build.
  const [cmd, argv] = opts.bin ? [opts.bin, ['run', ...args]] : [node, [...engineArgs, 'run', ...args]];
  const child = spawn(cmd, argv, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: '1', ...opts.env } });
  let text = '';
  const waits = new TextWaits();
  const onData = (d: Buffer) => {
    text += d.toString('utf8');
    waits.check();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  after(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const hung = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(hung);
  });
  return {
    child,
    text: () => text,
    exited,
    waitFor: (re, ms = 15_000) => waits.wait(re, () => text, ms, () => `engine output matching ${re}; got:\n${text}`),
  };
}
