// supervisord's config as supervisord reads it: INI sections, "key = value"
// or "key: value", a ";" or "#" comment at a line's start or after whitespace,
// indented lines continuing a value, and [include] files= globs relative to
// the file that includes them, read after it. %(name)s expansions are
// supervisord's (Python %-formatting); expand() does them for one program.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import picomatch from 'picomatch';

export interface IniSection {
  name: string;
  /** The file it is in: %(here)s is its folder. */
  file: string;
  values: Map<string, string>;
}

/** Every section of `file` and the files it includes, in reading order. */
export function readSupervisordConfig(file: string, text = readFileSync(file, 'utf8'), seen = new Set<string>()): IniSection[] {
  seen.add(resolve(file));
  const sections = parseIni(text, file);
  const out: IniSection[] = [];
  for (const s of sections) {
    out.push(s);
    if (s.name !== 'include') continue;
    for (const pattern of (s.values.get('files') ?? '').split(/\s+/).filter(Boolean)) {
      const abs = isAbsolute(pattern) ? pattern : join(dirname(file), pattern);
      for (const found of globSync(abs).sort()) {
        if (seen.has(resolve(found))) continue;
        out.push(...readSupervisordConfig(found, readFileSync(found, 'utf8'), seen));
      }
    }
  }
  return out;
}

/** Files matching a glob (Python's glob: no dot files unless named), sorted. Node 20 has no fs.globSync. */
function globSync(pattern: string): string[] {
  const { base, glob } = picomatch.scan(pattern);
  if (!glob) return existsSync(pattern) ? [pattern] : [];
  if (!existsSync(base)) return [];
  const isMatch = picomatch(glob);
  const deep = glob.includes('/');
  return (readdirSync(base, { recursive: deep }) as string[]).filter((f) => isMatch(f)).map((f) => join(base, f));
}

export function parseIni(text: string, file: string): IniSection[] {
  const sections: IniSection[] = [];
  let current: IniSection | null = null;
  let lastKey: string | null = null;
  for (const raw of text.split(/\r?\n/)) {
    if (!raw.trim() || /^\s*[;#]/.test(raw)) continue;
    const header = /^\[([^\]]+)\]/.exec(raw);
    if (header) {
      current = { name: header[1].trim(), file, values: new Map() };
      sections.push(current);
      lastKey = null;
      continue;
    }
    const line = raw.replace(/\s[;#].*$/, '');
    if (/^\s/.test(raw) && current && lastKey) {
      current.values.set(lastKey, `${current.values.get(lastKey)}\n${line.trim()}`);
      continue;
    }
    const kv = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(line);
    if (!kv || !current) throw new Error(`cannot read the line ${JSON.stringify(raw.trim())}`);
    lastKey = kv[1].trim().toLowerCase();
    current.values.set(lastKey, kv[2].trim());
  }
  return sections;
}

/**
 * Expand %(name)s, %(name)d, %(name)02d and %% as supervisord does, from
 * `vars` (program_name, process_num, group_name, here, numprocs…).
 * %(ENV_X)s becomes ${X}: the pitfile reads X from the environment when it
 * loads, as supervisord did when it started. Unknown names are returned.
 */
export function expand(value: string, vars: Record<string, string | number>, unknown: string[] = []): string {
  return value.replace(/%%|%\(([A-Za-z0-9_]+)\)([-#0 +]*)(\d*)([sd])/g, (whole, name: string | undefined, flags: string, width: string) => {
    if (whole === '%%') return '%';
    if (name!.startsWith('ENV_')) return `\${${name!.slice(4)}}`;
    if (!(name! in vars)) {
      unknown.push(name!);
      return whole;
    }
    const v = String(vars[name!]);
    return width ? v.padStart(Number(width), flags.includes('0') ? '0' : ' ') : v;
  });
}

/**
 * environment=KEY="val",KEY2=val2 as supervisord reads it: pairs split on
 * commas outside quotes, each value's surrounding quotes removed.
 */
export function parseEnvironment(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /[\s,]/.test(text[i])) i++;
    const eq = text.indexOf('=', i);
    if (eq < 0) break;
    const key = text.slice(i, eq).trim();
    i = eq + 1;
    let value = '';
    while (i < text.length && /[ \t]/.test(text[i])) i++;
    if (text[i] === '"' || text[i] === "'") {
      const q = text[i];
      const end = text.indexOf(q, i + 1);
      value = text.slice(i + 1, end < 0 ? undefined : end);
      i = end < 0 ? text.length : end + 1;
    } else {
      const end = text.indexOf(',', i);
      value = text.slice(i, end < 0 ? undefined : end).trim();
      i = end < 0 ? text.length : end;
    }
    if (key) out[key] = value;
  }
  return out;
}
