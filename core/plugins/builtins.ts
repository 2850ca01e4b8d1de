// The built-in plugins a pitfile turns on, loaded through the same host and
// contract as a team's own plugins.
import { fileURLToPath } from 'node:url';
import type { Pitfile, PluginRef } from '../model/pitfile.js';

const builtin = (name: string) => fileURLToPath(new URL(`../../plugins/${name}/index.js`, import.meta.url));
const builtinDir = fileURLToPath(new URL('../../plugins/', import.meta.url));

/** Whether a resolved plugin path is one of Pit's own. */
export const isBuiltin = (path: string) => path.startsWith(builtinDir);

/** The built-ins `pitfile` asks for, with their options. */
export function builtinPlugins(pitfile: Pitfile): PluginRef[] {
  const limits = Object.fromEntries(Object.values(pitfile.processes).flatMap((p) => (p.limits ? [[p.name, p.limits]] : [])));
  const refs: PluginRef[] = [];
  // Sampling costs (0.35% of a core for 100 groups at 5 s): only when a limit needs it.
  if (Object.keys(limits).length) refs.push({ use: builtin('process-monitor'), options: { intervalMs: pitfile.settings.monitorIntervalMs, limits } });
  // Reading stderr costs a decode per line: only of processes that may be Python.
  const python = Object.values(pitfile.processes).filter((p) => PYTHON_COMMAND.test(commandText(p.command)));
  if (python.length) {
    const stdout = python.filter((p) => STDOUT_TRACEBACKS.test(commandText(p.command))).map((p) => p.name);
    const commands = Object.fromEntries(python.map((p) => [p.name, p.command]));
    refs.push({ use: builtin('import-error-matcher'), options: { processes: python.map((p) => p.name), stdout, commands } });
  }
  const usesInstall = pitfile.reactions.some((r) => r.do.some((a) => a.action === 'install'));
  if (python.length || usesInstall) {
    const processes = Object.fromEntries(Object.values(pitfile.processes).map((p) => [p.name, { command: p.command, cwd: p.cwd, env: p.env }]));
    refs.push({ use: builtin('python-installer'), options: { installer: pitfile.installer, processes } });
  }
  if (pitfile.heartbeat) refs.push({ use: builtin('heartbeat'), options: { file: pitfile.heartbeat.file, intervalMs: pitfile.heartbeat.intervalMs } });
  return refs;
}

const commandText = (c: string | string[]) => (Array.isArray(c) ? c.join(' ') : c);

/** A command that runs Python: an interpreter, a .py file, a venv's bin/, or a well-known Python tool. */
export const PYTHON_COMMAND =
  /(^|[\s/"'=])(python[\d.]*|pytest|py\.test|ipython|jupyter[\w-]*|gunicorn|uvicorn|hypercorn|daphne|celery|flask|django-admin|streamlit|poetry|uv|pipenv|conda|mamba|micromamba)(\s|$|["'])|\.py(\s|$|["'])|(^|[\s/"'])\.?venv\/bin\//;

/** Tools that print tracebacks on stdout. */
const STDOUT_TRACEBACKS = /(^|[\s/"'])(pytest|py\.test|ipython|jupyter[\w-]*)(\s|$|["'])|-m\s+pytest\b/;
