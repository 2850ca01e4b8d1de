// An application server that cannot import the application itself
// (`gunicorn app:app`, `uvicorn main:app` from the wrong folder): the
// missing module is the project's own, and an index may well hold an
// unrelated package of that name. Told apart from a missing dependency by
// who imported it: the server's loader, not the application's code.
import type { Frame } from './traceback-block.js';
import type { Reading } from './exception-kind.js';

/** Loader functions that import the module a command line names (file suffix → function). */
const LOADERS: [file: string, func: string][] = [
  ['/gunicorn/util.py', 'import_app'],
  ['/uvicorn/importer.py', 'import_from_string'],
  ['/django/conf/__init__.py', '__init__'],
  ['/celery/app/utils.py', 'find_app'],
  ['/hypercorn/utils.py', 'import_app'],
];

const HINT = (m: string) => `${m} is the application's own module, named on the command line: run the server from the project's folder (cwd) or fix the module path`;

/** A missing module a server's loader imported directly: the application's own module. */
export function isLoadedByServer(frame: Frame | null): boolean {
  return !!frame && LOADERS.some(([file, func]) => frame.file.endsWith(file) && frame.func === func);
}

/** A server's own words for an application module it could not import, without a traceback. */
export function readLoaderMessage(line: string): Reading | null {
  // Only the end of the line is read: a multiplexer's prefix ("worker_1    | ") may come first.
  if (!line.endsWith('.')) return null;
  // uvicorn: 'ERROR:    Error loading ASGI app. Could not import module "main".'
  let m = /(?:^|\s)Error loading ASGI app\. Could not import module "([\w.]+)"\.$/.exec(line);
  // flask: "Error: Could not import 'app'." (and "app" in double quotes, flask 2.2+)
  m ??= /(?:^|\s)Error: Could not import ['"]([\w.]+)['"]\.$/.exec(line);
  // celery: "Unable to load celery application." then "The module proj was not found."
  m ??= /(?:^|\s)The module ([\w.]+) was not found\.$/.exec(line);
  return m ? appModule(m[1]) : null;
}

export const appModule = (module: string): Reading => ({ kind: 'app-module', module, hint: HINT(module) });
