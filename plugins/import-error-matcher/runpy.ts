// `python -m x` when x cannot be found: runpy prints one line,
// "<argv0>: No module named x", with no traceback. Any program can print
// that line (a web app logging a user's input does), so it counts only when
// the process's own command runs `python -m` with that module.
import { classify, type Reading } from './exception-kind.js';

/** The module runpy could not find, read from one line; null when the line is no runpy message. */
export function readRunpy(line: string): Reading | null {
  const colon = line.indexOf(': ');
  if (colon < 0) return null;
  const argv0 = line.slice(0, colon);
  if (argv0.includes(' ') || !/^python[\d.]*$/.test(argv0.slice(argv0.lastIndexOf('/') + 1))) return null;
  const msg = line.slice(colon + 2);
  // "Error while finding module specification for 'a.b' (ModuleNotFoundError: No module named 'a')"
  const spec = /^Error while finding module specification for '[\w.]+' \(ModuleNotFoundError: (.+)\)$/.exec(msg);
  const r = classify('ModuleNotFoundError', spec ? spec[1] : msg);
  return r && (r.kind === 'missing-module' || r.kind === 'not-runnable') ? r : null;
}

/** The module `command` runs with `python -m`, or null when it runs none. */
export function moduleRunBy(command: string | readonly string[] | undefined): string | null {
  if (!command) return null;
  const argv = typeof command === 'string' ? shellWords(command) : command;
  for (let i = 0; i < argv.length; i++) {
    if (!/^python[\d.]*$/.test(argv[i].slice(argv[i].lastIndexOf('/') + 1))) continue;
    for (let j = i + 1; j < argv.length; j++) {
      const a = argv[j];
      if (a === '-m') return argv[j + 1] ?? null;
      if (/^-[A-Za-z]*m$/.test(a) && a !== '-m') return argv[j + 1] ?? null; // -um x
      if (/^-m\S/.test(a)) return a.slice(2);
      if (a === '-c' || !a.startsWith('-')) break; // a script or -c: no module
      if (a === '-X' || a === '-W') j++; // options that take a value
    }
  }
  return null;
}

/** Whether runpy's `found` is what `requested` (`python -m requested`) names: the module or one of its parents. */
export function isRequested(found: string, requested: string): boolean {
  const f = found.endsWith('.__main__') ? found.slice(0, -'.__main__'.length) : found;
  return requested === f || requested.startsWith(`${f}.`);
}

/** A shell command's words, quotes removed; good enough to find `python -m x` in it. */
function shellWords(command: string): string[] {
  const words: string[] = [];
  let word = '';
  let quote = '';
  let has = false;
  for (const ch of command) {
    if (quote) {
      if (ch === quote) quote = '';
      else word += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      has = true;
    } else if (' \t\n;&|()'.includes(ch)) {
      if (has || word) words.push(word);
      word = '';
      has = false;
    } else word += ch;
  }
  if (has || word) words.push(word);
  return words;
}
