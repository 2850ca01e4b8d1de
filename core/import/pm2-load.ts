// Reading a PM2 ecosystem file. JSON and YAML files are data. A JS file is a
// program: PM2 runs it to get its export, and so does this, but in a child
// Node process with a timeout and a bare environment (PATH, HOME, LANG), so
// a file that loops, throws or writes files does so outside the engine.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname } from 'node:path';
import { parse } from 'yaml';
import { errors } from '../errors.js';

const child = fileURLToPath(new URL('./pm2-eval.js', import.meta.url));
/** The result may be this large; an ecosystem file is a few apps. */
const maxBytes = 4 * 1024 * 1024;

export const isJsEcosystem = (file: string) => /\.(c|m)?js$/.test(file);

/** The exported object of an ecosystem file. */
export async function loadEcosystem(file: string, text: string, timeoutMs: number): Promise<unknown> {
  if (!isJsEcosystem(file)) {
    try {
      return /\.ya?ml$/.test(file) ? parse(text) : JSON.parse(text);
    } catch (e) {
      throw errors.PIT_E_IMPORT_PARSE(file, 'pm2', (e as Error).message);
    }
  }
  return evaluate(file, timeoutMs);
}

function evaluate(file: string, timeoutMs: number): Promise<unknown> {
  const env: NodeJS.ProcessEnv = {};
  for (const k of ['PATH', 'HOME', 'LANG']) if (process.env[k] !== undefined) env[k] = process.env[k];
  return new Promise((resolve, reject) => {
    // Its own process group: whatever the file starts is ended with it.
    const p = spawn(process.execPath, [child, file], { cwd: dirname(file), env, detached: true, stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
    const killGroup = () => {
      try {
        process.kill(-p.pid!, 'SIGKILL');
      } catch {
        // Already gone.
      }
    };
    let out = '';
    let err = '';
    p.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-2000)));
    (p.stdio[3] as NodeJS.ReadableStream).on('data', (d: Buffer) => {
      out += d.toString();
      if (out.length > maxBytes) killGroup();
    });
    let timedOut = false;
    // Settled on close, so the child is gone (reaped) when the error is seen.
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, timeoutMs);
    p.on('error', (e) => {
      clearTimeout(timer);
      reject(errors.PIT_E_IMPORT_EVAL(file, e.message));
    });
    // A child the file started may hold the pipes open: end the group once the loader exits.
    p.on('exit', killGroup);
    p.on('close', () => {
      clearTimeout(timer);
      if (timedOut) return reject(errors.PIT_E_IMPORT_TIMEOUT(file, timeoutMs));
      let result: { ok?: unknown; error?: string };
      try {
        result = JSON.parse(out);
      } catch {
        return reject(errors.PIT_E_IMPORT_EVAL(file, lastLine(err) || 'it exited without exporting anything'));
      }
      if (result.error !== undefined) reject(errors.PIT_E_IMPORT_EVAL(file, result.error));
      else resolve(result.ok);
    });
  });
}

const lastLine = (text: string) => text.trim().split('\n').filter(Boolean).pop() ?? '';
