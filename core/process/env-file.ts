// env_file: dotenv files. KEY=VALUE, "export KEY=VALUE", values in single
// quotes (literal) or double quotes (\n \t \" \\ escapes; may span lines),
// # comments on their own line or after a value, blank lines. Lines that
// set nothing are skipped, as dotenv does.
import { readFileSync } from 'node:fs';
import { errors } from '../errors.js';

const assignment = /^[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_.-]*)[ \t]*=[ \t]*/;

/** The variables `file` sets; a missing or unreadable file is PIT_E_PROCESS_ENV_FILE naming it. */
export function readEnvFile(file: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw errors.PIT_E_PROCESS_ENV_FILE(file, code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code ?? String(e));
  }
  return parseEnv(text);
}

/** The variables a dotenv text sets; later assignments win. */
export function parseEnv(text: string): Record<string, string> {
  // Editors on Windows add a BOM and \r\n; neither belongs to a value.
  const src = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const vars: Record<string, string> = {};
  let at = 0;
  while (at < src.length) {
    const eol = endOfLine(src, at);
    const m = assignment.exec(src.slice(at, eol));
    if (!m) {
      at = eol + 1;
      continue;
    }
    const valueAt = at + m[0].length;
    const quote = src[valueAt];
    const close = quote === '"' || quote === "'" ? closingQuote(src, valueAt + 1, quote) : -1;
    if (close !== -1) {
      const raw = src.slice(valueAt + 1, close);
      vars[m[1]] = quote === '"' ? raw.replace(/\\([nrt"\\$])/g, (_, c: string) => escapes[c] ?? c) : raw;
      at = endOfLine(src, close) + 1; // a comment may follow the closing quote
    } else {
      // Unquoted: a # after a space starts a comment ("a#b" keeps its #).
      vars[m[1]] = src.slice(valueAt, eol).replace(/(^|[ \t])#.*$/, '').trim();
      at = eol + 1;
    }
  }
  return vars;
}

const escapes: Record<string, string> = { n: '\n', r: '\r', t: '\t' };

function endOfLine(src: string, from: number): number {
  const nl = src.indexOf('\n', from);
  return nl === -1 ? src.length : nl;
}

function closingQuote(src: string, from: number, quote: string): number {
  for (let i = from; i < src.length; i++) {
    if (src[i] === '\\' && quote === '"') i++;
    else if (src[i] === quote) return i;
  }
  return -1; // unterminated: the value is read as unquoted
}
