// Running the real `engine` binary, as a user would.
import { execFile, spawnSync } from 'node:child_process';
import { engineBin } from './paths.js';

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Run `engine ...args` in `cwd` and collect its output. */
export function runEngine(args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): CliResult {
  const r = spawnSync(process.execPath, [engineBin, ...args], { cwd, env, encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** runEngine without blocking this process: for tests whose own servers must answer the command. */
export function runEngineAsync(args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [engineBin, ...args], { cwd, env, encoding: 'utf8', timeout: 120_000 }, (err, stdout, stderr) => {
      const status = err ? (typeof err.code === 'number' ? err.code : null) : 0;
      resolve({ status, stdout, stderr });
    });
  });
}
