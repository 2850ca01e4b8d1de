// Procfile (and Procfile.dev): "name: command" per line, run through a shell
// as foreman runs them. foreman gives each process PORT = base + 100 × its
// index in the file (ddollar/foreman lib/foreman/engine.rb, port_for: the
// base is PORT from the .env or the environment, else 5000), so web, worker
// read 5000, 5100. A "release" line is what Heroku runs once before the
// others start: a one-shot the others wait to complete.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Draft } from './draft.js';
import { literalDollars } from './env-references.js';

const entry = /^([A-Za-z0-9_-]+):\s*(.+)$/;

/** True when every non-blank, non-comment line is a Procfile entry. */
export function looksLikeProcfile(text: string): boolean {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() && !l.trim().startsWith('#'));
  return lines.length > 0 && lines.every((l) => entry.test(l.trim()));
}

export function importProcfile(draft: Draft, text: string): void {
  const envFile = join(draft.sourceDir, '.env');
  const dotenv = existsSync(envFile) ? readFileSync(envFile, 'utf8') : '';
  const basePort = Number(/^\s*(?:export\s+)?PORT\s*=\s*["']?(\d+)/m.exec(dotenv)?.[1] ?? 5000);
  draft.explain(null, null, `PORT: base ${basePort} + 100 per line, in file order, as foreman sets it.`);
  draft.changed(null, null, 'foreman stops every process when one ends; Pit restarts a failed one (restart.policy on-failure, the default)');
  const entries: RegExpExecArray[] = [];
  text.split(/\r?\n/).forEach((l, i) => {
    const m = entry.exec(l.trim());
    if (m) entries.push(m);
    else if (l.trim() && !l.trim().startsWith('#')) draft.unmapped(null, null, `line ${i + 1} ${JSON.stringify(l.trim())}: not "name: command" (foreman skips it too)`);
  });
  const release = entries.find((m) => m[1] === 'release');
  entries.forEach(([, source, command], index) => {
    const spec: Record<string, unknown> = { command: literalDollars(command.trim()), env: { PORT: String(basePort + index * 100) } };
    if (dotenv || existsSync(envFile)) spec.env_file = draft.path('.env');
    if (source === 'release') spec.restart = { policy: 'never' };
    const name = draft.addProcess(source, spec);
    if (source === 'release') draft.explain(name, null, 'runs once, before the others start (as Heroku runs release before a deploy)');
    else if (release) draft.need(name, 'release', 'completed');
  });
}
