// engine init: a commented starter pitfile, never over an existing one.
import { existsSync, lstatSync, readdirSync, readFileSync, realpathSync, writeFileSync, type Dirent } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { errors } from '../errors.js';
import type { Format } from '../import/draft.js';
import { exitCodes, reportError } from './output.js';

/** This install of Pit: dist/core/cli/ is three folders below it. */
const installRoot = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * Where a pitfile at `file` finds Pit's schema and docs: the project's own
 * node_modules/pitengine when it has one (a path that holds for the whole
 * team), else this install, wherever it is (a global install has no
 * node_modules in the project).
 */
export function pitPathsFor(file: string): { schema: string; docs: string } {
  const dir = dirname(file);
  const local = resolve(dir, 'node_modules', 'pitengine');
  const root = existsSync(resolve(local, 'package.json')) ? local : realpathSync(installRoot);
  const show = (p: string) => {
    const rel = relative(dir, p);
    return rel.startsWith('..') || rel === '' ? p : `.${sep}${rel}`;
  };
  return { schema: show(resolve(root, 'schemas', 'pitfile.schema.json')), docs: show(resolve(root, 'docs', 'pitfile.md')) };
}

/**
 * What `engine init` writes: small, valid, and explained line by line.
 * `start`: a Node project's own start command (package.json), run and
 * restarted on a saved .js file, as nodemon would. Else the Python starter:
 * its worker runs worker.py, which init writes beside it in a folder with no
 * Python yet (so the code watcher has a file to watch); else it runs inline
 * and the watcher finds the project's own .py files (or, beside another
 * tool's config, the person imports that instead).
 */
export const starterPitfile = (paths: { schema: string; docs: string }, starter: { start: string } | { workerFile: boolean }) => `# yaml-language-server: $schema=${paths.schema}
# Pit keeps these processes running, watches files and time, and reacts.
# Every key: ${paths.docs}. Check it: engine validate
version: 1

${'start' in starter ? nodeStarter(starter.start) : pythonStarter(starter.workerFile)}`;

const nodeStarter = (start: string) => `processes:
  # Your app, started as package.json says: restarted when it crashes.
  app:
    command: ${start}
    # Once it serves HTTP, "healthy" when this answers 2xx (its port):
    # health: { http: "http://127.0.0.1:3000/", interval: 5s }

${restartOnSave('"**/*.{js,mjs,cjs}"', '"node_modules/**", "**/*.test.*"', 'a .js file', 'app')}`;

/** The code watcher, and the reaction that restarts `name` when a file under it is saved. */
const restartOnSave = (paths: string, ignore: string, what: string, name: string) => `watchers:
  code: { paths: [${paths}], ignore: [${ignore}] }

reactions:
  # Save ${what}: the ${name} restarts with the new code.
  - on: file:code:change
    do: [{ restart: [${name}] }]
`;

const pythonStarter = (workerFile: boolean) => `processes:
  # A service: restarted when it crashes, "healthy" once its URL answers 2xx.
  web:
    command: python3 -m http.server \${PORT:-8000} --bind 127.0.0.1
    health: { http: "http://127.0.0.1:\${PORT:-8000}/", interval: 5s }

  # Starts only after web is healthy; a list runs without a shell.
  worker:
    command: ${workerFile ? '["python3", "-u", "worker.py"]' : `["python3", "-u", "-c", "import time\\nwhile True:\\n    print('tick'); time.sleep(5)"]`}
    depends_on: { web: healthy }
    restart: { policy: always, max_restarts: 5, window: 1m }

${restartOnSave('"**/*.py"', '"**/__pycache__/**", ".venv/**"', 'a .py file', 'worker')}  # A Python process dies of ModuleNotFoundError: install it into that
  # process's own environment, then restart it.
  - on: process:*:import-error
    do: [{ install: {} }, { restart: $process }]
`;

/** The starter's worker.py: edited and saved, the running worker restarts with it. */
export const starterWorker = `# The starter's worker (engine init wrote it). Edit and save: Pit restarts it.
import time

while True:
    print("tick")
    time.sleep(5)
`;

const TOOLS: Record<Format, string> = { pm2: 'PM2', procfile: 'Foreman, Heroku', supervisord: 'supervisord', compose: 'Docker Compose', 'process-compose': 'process-compose' };

/**
 * The other tools' configs in `dir`, by the names those tools look for, so
 * a person who has one imports it (init reads and runs none of them). Any
 * .ini is not taken for supervisord's here: tox.ini and setup.ini are not.
 */
async function otherTools(dir: string): Promise<{ name: string; tool: string }[]> {
  const { formatByName } = await import('../import/detect.js');
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile())
    .flatMap((e) => {
      const format = formatByName(e.name);
      return format && (format !== 'supervisord' || /supervisor/i.test(e.name)) ? [{ name: e.name, tool: TOOLS[format] }] : [];
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** How a Node project in `dir` starts: `npm start` when package.json has that script, `node <main>` when it names a main file; else null. */
function nodeStart(dir: string): string | null {
  let pkg: { scripts?: { start?: unknown }; main?: unknown };
  try {
    pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  } catch {
    return null;
  }
  if (typeof pkg.scripts?.start === 'string') return 'npm start';
  // A main file's name goes into YAML and a shell word: only plain names.
  if (typeof pkg.main === 'string' && /^[\w./-]+$/.test(pkg.main) && existsSync(join(dir, pkg.main))) return `["node", "${pkg.main}"]`;
  return null;
}

function lexists(file: string): boolean {
  try {
    lstatSync(file);
    return true;
  } catch {
    return false;
  }
}

/** Whether `dir` or a folder below it (two levels, not dot-folders, venvs or node_modules) has a .py file. */
function hasPython(dir: string, depth = 2): boolean {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return false;
  }
  if (entries.some((e) => (e.isFile() || e.isSymbolicLink()) && e.name.endsWith('.py'))) return true;
  return depth > 0 && entries.some((e) => e.isDirectory() && !/^(\.|node_modules$|venv$|__pycache__$)/.test(e.name) && hasPython(join(dir, e.name), depth - 1));
}

export function registerInit(program: Command): void {
  program
    .command('init')
    .summary('write a commented starter pitfile.yaml here')
    .description('Write a commented starter pitfile.yaml in the current directory (or at --config). A Node project gets its npm start, restarted on a saved .js file; else a Python web server and worker (with the worker.py it runs, in a folder with no .py file yet). Never overwrites.')
    .addHelpText('after', `
Examples:
  engine init && engine validate`)
    .action(async (_: unknown, cmd: Command) => {
      const { config } = cmd.optsWithGlobals<{ config?: string }>();
      const file = resolve(config ?? 'pitfile.yaml');
      try {
        const dir = dirname(file);
        const others = await otherTools(dir);
        const python = hasPython(dir);
        const start = python ? null : nodeStart(dir);
        // Not beside another tool's config: the person is told to import it, and a worker.py would be left over.
        // A worker.py of any kind (a folder, a dangling link) is the person's: the worker then runs inline.
        const worker = python || start || others.length || lexists(join(dir, 'worker.py')) ? null : join(dir, 'worker.py');
        // "wx" fails if the file exists, with no window between check and write.
        writeFileSync(file, starterPitfile(pitPathsFor(file), start ? { start } : { workerFile: worker !== null }), { flag: 'wx' });
        if (worker) writeFileSync(worker, starterWorker, { flag: 'wx' });
        process.stdout.write(`wrote ${file}${worker ? ` and ${worker}` : ''}; next: engine validate, then engine run\n`);
        for (const found of others) {
          process.stdout.write(`found ${found.name} here (${found.tool}): engine import ${found.name} --force replaces the starter with its processes\n`);
        }
        process.exitCode = exitCodes.ok;
      } catch (e) {
        process.exitCode = reportError((e as NodeJS.ErrnoException).code === 'EEXIST' ? errors.PIT_E_INIT_EXISTS(file) : e);
      }
    });
}
