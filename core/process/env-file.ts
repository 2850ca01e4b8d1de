// env_file: dotenv files (KEY=VALUE, "export KEY=...", quotes, # comments).
import { readFileSync } from 'node:fs';
import { errors } from '../errors.js';

const line = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*?)\s*$/;

/** The variables `file` sets; a missing file is PIT_E_PROCESS_ENV_FILE. */
export function readEnvFile(file: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw errors.PIT_E_PROCESS_ENV_FILE(file, (e as NodeJS.ErrnoException).code ?? String(e));
  }
  const vars: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    if (/^\s*(#|$)/.test(raw)) continue;
    const m = line.exec(raw);
    if (!m) continue;
    vars[m[1]] = unquote(m[2]);
  }
  return vars;
}

function unquote(v: string): string {
  if (v.length >= 2 && v[0] === "'" && v.endsWith("'")) return v.slice(1, -1);
  if (v.length >= 2 && v[0] === '"' && v.endsWith('"')) {
    return v.slice(1, -1).replace(/\\([nrt"\\])/g, (_, c: string) => ({ n: '\n', r: '\r', t: '\t' })[c as 'n'] ?? c);
  }
  // Unquoted: a " #" starts a comment.
  return v.replace(/\s+#.*$/, '');
}
