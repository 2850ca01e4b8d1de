// `engine run` under a real pseudo-terminal, as a person runs it. util-linux's
// script(1) (package bsdutils, Essential on Debian) opens the pty and runs a
// shell on it; what the test writes to script's stdin reaches the pty master,
// so "\x03" is a Ctrl-C that the terminal's line discipline turns into
// SIGINT for the foreground process group, exactly as a keyboard does. Closing
// script (kill) hangs the terminal up, as closing a terminal window does.
import { spawn, type ChildProcess } from 'node:child_process';
import { after } from 'node:test';
import { node, engineArgs } from './cli.js';
import { TextWaits } from './wait.js';
import { pidsWithArgv } from './proc.js';

export interface PtyEngine {
  script: ChildProcess;
  /** Everything the terminal showed so far, escape sequences and \r included. */
  raw(): string;
  /** What a person reads: raw() without escape sequences and carriage returns. */
  text(): string;
  /** Resolves with the first match of `re` in text(), now or later. */
  waitFor(re: RegExp, ms?: number): Promise<RegExpMatchArray>;
  /** Resolves once the terminal is drawing the start-up view (it hid the cursor). */
  viewDrawn(): Promise<unknown>;
  /** Type `keys` at the terminal ("\x03" is Ctrl-C). */
  press(keys: string): void;
  /** Resolves with the engine's exit code, once the shell around it has reported it. */
  exited: Promise<number | null>;
  /** After exit: the terminal's settings as `stty -a` printed them then. */
  sttyAfter(): string;
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const ESCAPES = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-Z\\-_]|\r/g;

/**
 * Start `engine run` in `cwd` on a fresh 100x30 terminal (TERM=xterm-256color,
 * CI unset, so the start-up view draws). The shell runs it in the foreground
 * (Ctrl-C reaches both; the shell's trap only makes it wait), then prints the
 * exit code and `stty -a`, to check that the engine left the terminal sane.
 */
export function runEngineInPty(cwd: string, args: string[] = []): PtyEngine {
  const engine = [node, ...engineArgs, 'run', ...args].map(quote).join(' ');
  const shell = `stty cols 100 rows 30; trap true INT; ${engine}; code=$?; printf '\\n[engine exit %s]\\n' "$code"; stty -a; exit "$code"`;
  const env: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm-256color', SHELL: '/bin/sh' };
  delete env.CI;
  delete env.NO_COLOR;
  const script = spawn('script', ['-qfec', shell, '/dev/null'], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let raw = '';
  const waits = new TextWaits();
  const text = () => raw.replace(ESCAPES, '');
  const onData = (d: Buffer) => {
    raw += d.toString('utf8');
    waits.check();
  };
  script.stdout!.on('data', onData);
  script.stderr!.on('data', onData);
  script.stdin!.on('error', () => {});
  // No script(1): say so in what every wait reports, instead of an empty terminal.
  script.once('error', (e) => onData(Buffer.from(`[could not start script(1): ${e.message}; it is in util-linux (Debian: apt-get install bsdutils)]\n`)));
  const closed = new Promise<void>((resolve) => script.once('close', () => resolve()));
  const exited = closed.then(() => {
    const m = /\[engine exit (\d+)\]/.exec(text());
    return m ? Number(m[1]) : null;
  });
  after(async () => {
    if (script.exitCode !== null || script.signalCode !== null) return;
    // A test that failed half-way: stop the engine as a person would, then hang up.
    script.stdin!.write('\x03');
    const hung = setTimeout(() => script.kill('SIGKILL'), 10_000);
    await closed;
    clearTimeout(hung);
  });
  return {
    script,
    raw: () => raw,
    text,
    exited,
    press: (keys) => void script.stdin!.write(keys),
    sttyAfter: () => text().split(/\[engine exit \d+\]/)[1] ?? '',
    waitFor: (re, ms = 15_000) => waits.wait(re, text, ms, () => `terminal output matching ${re}; its end:\n${text().slice(-1500)}`),
    // Hiding the cursor is an escape sequence: looked for in the raw output.
    viewDrawn: () => waits.wait(/\x1b\[\?25l/, () => raw, 15_000, () => `the start-up view (cursor hidden); its end:\n${text().slice(-1500)}`),
  };
}

/** SIGKILL what a failed test left behind, so it does not outlive the suite. */
export function killLeftovers(marker: string): void {
  for (const pid of pidsWithArgv(marker)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
