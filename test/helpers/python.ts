// Real Python for tests: wheels built offline by test/fixtures/python/make-wheel.py,
// a PEP 503 simple index for them on 127.0.0.1, and fresh virtual environments.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixture } from './paths.js';

/** Build a wheel of distribution `name` that ships module `module` into `dir`. */
export function buildWheel(dir: string, name: string, version: string, module: string): void {
  execFileSync('python3', [fixture('python', 'make-wheel.py'), dir, name, version, '--module', module], { stdio: 'ignore' });
}

export interface PackageIndex {
  /** The index URL, ending in /simple/. */
  url: string;
  /** Projects asked for, normalised, in order. */
  asked: string[];
  /** The Authorization header of each request that had one. */
  authorizations: string[];
}

const normalize = (n: string) => n.toLowerCase().replace(/[-_.]+/g, '-');

/** Serve the wheels in `dir` as a simple index for the rest of the test file; `delayMs` slows each file download (a slow install). */
export async function serveIndex(dir: string, o: { delayMs?: number } = {}): Promise<PackageIndex> {
  const asked: string[] = [];
  const authorizations: string[] = [];
  const server = createServer((req, res) => {
    if (req.headers.authorization) authorizations.push(req.headers.authorization);
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const project = /^\/simple\/([^/]+)\/?$/.exec(path);
    const file = /^\/files\/([^/]+)$/.exec(path);
    if (project) {
      asked.push(normalize(project[1]));
      const files = readdirSync(dir).filter((f) => f.endsWith('.whl') && normalize(f.split('-')[0]) === normalize(project[1]));
      if (!files.length) return void res.writeHead(404).end('not found');
      const links = files.map((f) => `<a href="/files/${f}#sha256=${createHash('sha256').update(readFileSync(join(dir, f))).digest('hex')}">${f}</a>`);
      return void res.writeHead(200, { 'content-type': 'text/html' }).end(`<!DOCTYPE html><html><body>${links.join('<br/>')}</body></html>`);
    }
    if (file && readdirSync(dir).includes(file[1])) return void setTimeout(() => res.writeHead(200).end(readFileSync(join(dir, file[1]))), o.delayMs ?? 0);
    res.writeHead(404).end('not found');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  // Ends with the test file's process; a hook here would close it after the hook that made it.
  server.unref();
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/simple/`, asked, authorizations };
}

/** A new virtual environment (with pip) at `dir`; returns its python. */
export function makeVenv(dir: string): string {
  execFileSync('python3', ['-m', 'venv', dir], { stdio: 'ignore' });
  return join(dir, 'bin', 'python');
}

/** Whether `python` can import `module`. */
export function canImport(python: string, module: string): boolean {
  try {
    execFileSync(python, ['-c', `import ${module}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

