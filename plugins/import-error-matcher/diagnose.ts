// What a Python process died of, read from the end of its output. Only the
// exception it died of counts: the last traceback's exception line at the
// start of a line (chained tracebacks end with the one that escaped), and
// only when nothing but log records, summaries or the same message follows
// it. A message quoted inside other text (a log line, a JSON blob, another
// tool's prefixed output) never starts a line, so it never counts.

/** What kind of import failure; only `missing-module` and `distribution-not-found` can be healed by installing. */
export type ImportErrorKind =
  | 'missing-module'
  | 'distribution-not-found'
  | 'missing-name'
  | 'circular-import'
  | 'not-a-package'
  | 'system-library'
  | 'abi-mismatch'
  | 'import-blocked'
  | 'relative-import'
  | 'not-runnable'
  | 'broken-tool';

export interface ImportErrorFinding {
  kind: ImportErrorKind;
  /** The dotted module the message names, when it names one. */
  module: string | null;
  top_level: string | null;
  /** The exception line, colours removed. */
  line: string;
  /** The code line that imported, when the traceback shows it (`from google.cloud import storage`). */
  source: string | null;
  /** system-library: the shared library that is missing. */
  library?: string;
  /** distribution-not-found: the distribution importlib.metadata looked for. */
  distribution?: string;
}

const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;
const HEADER = /Traceback \(most recent call last\)|^Traceback:$/;
// A dotted exception name at the start of a line; pytest puts "E   " before it.
const EXCEPTION = /^(?:E {3})?((?:[A-Za-z_]\w*\.)*[A-Za-z_]\w*(?:Error|Exception|Iteration|Exit|Interrupt|NotFound))(?:: ?(.*))?$/;
// `python -m x` with no module x: runpy prints "<argv0>: No module named x".
const RUNPY = /^\S*python[\d.]*: (No module named .+)$/;
const FRAME = /^\s*File "(.+)", line \d+, in /;
// Lines that may follow the fatal exception: log records, test-runner summaries.
const TRAILER = [/^\s*$/, /^\[\d{4}-\d\d-\d\d[ T]/, /^\d{4}-\d\d-\d\d[ T]\d/, /^(=|!|_){3,}/, /^(ERROR|FAILED) \S/, /^\d+ (errors?|failed|passed)\b/];

/** The import failure `lines` (one stream's output, oldest first) end with, if any. */
export function diagnose(rawLines: readonly string[]): ImportErrorFinding | null {
  const lines = rawLines.map((l) => l.replace(ANSI, '').replace(/\r$/, ''));
  let at = -1;
  let message = '';
  let name = '';
  let headerSeen = false;
  lines.forEach((l, i) => {
    if (HEADER.test(l)) headerSeen = true;
    const runpy = RUNPY.exec(l);
    if (runpy) [at, name, message] = [i, 'ModuleNotFoundError', runpy[1]];
    const m = headerSeen ? EXCEPTION.exec(l) : null;
    if (m && !HEADER.test(l)) [at, name, message] = [i, m[1], m[2] ?? ''];
  });
  if (at < 0) return null;
  const trailer = lines.slice(at + 1);
  if (!trailer.every((l) => TRAILER.some((re) => re.test(l)) || l.trim() === message.trim())) return null;
  const finding = classify(name, message.trim());
  if (!finding) return null;
  const line = lines[at].replace(/^E {3}/, '');
  const source = sourceLine(lines, at);
  if (finding.kind === 'missing-module' && isConsoleScript(lastFrame(lines, at))) finding.kind = 'broken-tool';
  return { ...finding, top_level: finding.module?.split('.')[0] ?? null, line, source };
}

type Classified = Omit<ImportErrorFinding, 'top_level' | 'line' | 'source'>;

function classify(name: string, msg: string): Classified | null {
  const short = name.split('.').pop()!;
  if (short === 'PackageNotFoundError') {
    const d = /^No package metadata was found for (\S+)/.exec(msg);
    return d ? { kind: 'distribution-not-found', module: null, distribution: d[1] } : null;
  }
  if (short !== 'ModuleNotFoundError' && short !== 'ImportError') return null;
  let m: RegExpExecArray | null;
  if ((m = /^No module named '([^']+)'; '([^']+)' is not a package$/.exec(msg))) return { kind: 'not-a-package', module: m[1] };
  if ((m = /^No module named ([\w.]+); '[^']+' is a package and cannot be directly executed$/.exec(msg))) return { kind: 'not-runnable', module: m[1] };
  if ((m = /^No module named '([^']+)'$/.exec(msg)) || (m = /^No module named ([^\s']+)$/.exec(msg))) return { kind: 'missing-module', module: m[1] };
  if ((m = /^import of (\S+) halted; None in sys\.modules$/.exec(msg))) return { kind: 'import-blocked', module: m[1] };
  if ((m = /^cannot import name '[^']+' from partially initialized module '([^']+)'/.exec(msg))) return { kind: 'circular-import', module: m[1] };
  if ((m = /^cannot import name '[^']+'(?: from '([^']+)')?/.exec(msg))) return { kind: 'missing-name', module: m[1] ?? null };
  if ((m = /^Missing optional dependency '([^']+)'/.exec(msg))) return { kind: 'missing-module', module: m[1] };
  if ((m = /([^\s/\\:]+\.so(?:\.[\w.]+)?): cannot open shared object file/.exec(msg))) return { kind: 'system-library', module: null, library: m[1] };
  if ((m = /^DLL load failed(?: while importing (\w+))?/.exec(msg))) return { kind: 'system-library', module: null, library: m[1] ? `the DLL behind ${m[1]}` : 'a DLL' };
  if (/undefined symbol: /.test(msg)) return { kind: 'abi-mismatch', module: null };
  if (/^attempted relative import/.test(msg)) return { kind: 'relative-import', module: null };
  return null;
}

/** The code line the traceback shows above the exception (Python's frames and pytest's). */
function sourceLine(lines: string[], at: number): string | null {
  for (let i = at - 1; i >= 0 && i >= at - 6; i--) {
    const l = lines[i];
    if (FRAME.test(l) || HEADER.test(l)) return null;
    if (/^\s+\S/.test(l) && !/^\s*[~^]+\s*$/.test(l)) return l.trim();
  }
  return null;
}

function lastFrame(lines: string[], at: number): string | null {
  for (let i = at - 1; i >= 0; i--) {
    const m = FRAME.exec(lines[i]);
    if (m) return m[1];
    if (HEADER.test(lines[i])) return null;
  }
  return null;
}

/**
 * A console-script shim (…/bin/conda) that cannot import its own package:
 * the tool's installation is broken; installing its import name from an
 * index would fetch something else (PyPI's "conda" is an unrelated upload).
 */
function isConsoleScript(file: string | null): boolean {
  return file !== null && /\/bin\/[^/.]+$/.test(file);
}
