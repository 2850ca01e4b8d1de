// Running the real `engine` binary, as a user would.
import { execFile, spawnSync } from 'node:child_process';
import { engineCommand } from '../../core/cli/engine-command.js';

/** The command that runs `engine`, as its #! line does: node, the engine's V8 flags, the entry point. */
export const [node, ...engineArgs] = engineCommand();

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Run `engine ...args` in `cwd` and collect its output. */
export function runEngine(args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): CliResult {
  const r = spawnSync(node, [...engineArgs, ...args], { cwd, env, encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** runEngine without blocking this process: for tests whose own servers must answer the command. */
export function runEngineAsync(args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(node, [...engineArgs, ...args], { cwd, env, encoding: 'utf8', timeout: 120_000 }, (err, stdout, stderr) => {
      const status = err ? (typeof err.code === 'number' ? err.code : null) : 0;
      resolve({ status, stdout, stderr });
    });
  });
}
