// What a Python process died of, read from the end of one stream of its
// output. Only the exception it died of counts: the exception line of the
// last whole traceback (see traceback-block.ts), followed by nothing but
// the dying words of the program around it (trailer.ts). runpy's one-line
// "No module named x" counts only when the process runs `python -m x`
// itself. Everything a child prints is attacker-controlled: a message
// quoted in a log line, a header in the middle of a line, a traceback the
// process lived on after, never count.
import { appModule, isLoadedByServer, readLoaderMessage } from './app-loader.js';
import { importingFrame, installedPackageOf, isConsoleScript, isConsoleScriptOf } from './importer.js';
import { classify, INSTALLABLE, type ImportErrorKind, type Reading } from './exception-kind.js';
import { isRequested, moduleRunBy, readRunpy } from './runpy.js';
import { stripPrefix } from './prefix.js';
import { causeOf, headerOf, readBlock, type Block, type Frame } from './traceback-block.js';
import { isWorkerBootFailure, workerTraceback } from './worker-boot.js';
import { isTrailer, MAX_TRAILER_LINES } from './trailer.js';

export type { ImportErrorKind } from './exception-kind.js';
import type { ImportErrorFinding } from '../../core/index.js';

/** What was found: declared with the process:import-error event it becomes (the catalogue). */
export type { ImportErrorFinding } from '../../core/index.js';

export interface DiagnoseContext {
  /** The process's command as configured: runpy's message counts only when it runs `python -m` that module. */
  command?: string | readonly string[];
}

// Colours (Python 3.13, IPython, nbclient) and a carriage return (CRLF output).
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;
const clean = (l: string) => (l.includes('\x1b') ? l.replace(ANSI, '') : l).replace(/\r$/, '');

/** The import failure `rawLines` (one stream's output, oldest first) end with, if any. */
export function diagnose(rawLines: readonly string[], context: DiagnoseContext = {}): ImportErrorFinding | null {
  const lines = rawLines.map(clean);
  let last = lines.length - 1;
  while (last >= 0 && !lines[last].trim()) last--;
  if (last < 0) return null;
  const runpy = readRunpy(lines[last]);
  if (runpy) return fromRunpy(runpy, lines[last], last, context);
  const told = fromLoaderMessage(lines, last);
  if (told) return told;
  const h = lastHeader(lines, last);
  const block = h >= 0 ? readBlock(lines, h) : null;
  return block ? fromBlock(lines, block) : null;
}

function fromRunpy(r: Reading, line: string, at: number, context: DiagnoseContext): ImportErrorFinding | null {
  const requested = moduleRunBy(context.command);
  if (!requested || !isRequested(r.module!, requested)) return null;
  return finding(r, { line: line.slice(line.indexOf(': ') + 2), source: null, from: at, to: at, prefix: '' });
}

/** uvicorn's, flask's or celery's sentence about the application module, as the last line but trailers. */
function fromLoaderMessage(lines: string[], last: number): ImportErrorFinding | null {
  let i = last;
  while (i >= 0 && last - i < MAX_TRAILER_LINES && isTrailer(lines[i], '')) i--;
  const r = i >= 0 ? readLoaderMessage(lines[i].trim()) : null;
  return r ? finding(r, { line: lines[i].trim(), source: null, from: i, to: i, prefix: '' }) : null;
}

function lastHeader(lines: string[], from: number): number {
  for (let i = from; i >= 0; i--) if (headerOf(lines[i])) return i;
  return -1;
}

function fromBlock(lines: string[], block: Block): ImportErrorFinding | null {
  const after = (i: number) => stripPrefix(lines[i], block.shape) ?? lines[i];
  const next = lines.slice(block.exception + 1, block.exception + 4).map((_, k) => after(block.exception + 1 + k));
  const own = classify(block.name, block.message, next);
  const end = block.exception + (own?.consumed ?? 0);
  if (!endsOutput(lines, end, after, block.message)) return null;
  const read = readThrough(lines, block, own, end);
  if (!read) return null;
  const frame = importingFrame(read.used.frames);
  const f = finding(refine(read.reading, read.used, frame), { line: read.used.line, source: read.used.source, from: read.from, to: read.to, prefix: block.prefix });
  f.importer = frame?.file ?? null;
  f.imported_by = frame ? installedPackageOf(frame.file) : null;
  if (read.wrapped_by) f.wrapped_by = read.wrapped_by;
  return f;
}

interface ReadThrough {
  reading: Reading;
  /** The traceback the reading comes from: the last one, or the one a wrapper was raised from. */
  used: Block;
  from: number;
  to: number;
  wrapped_by?: string;
}

/** The last traceback's reading, or, through a framework's wrapper, the one of the traceback behind it. */
function readThrough(lines: string[], block: Block, own: Reading | null, end: number): ReadThrough | null {
  if (!own && isWorkerBootFailure(block)) {
    const worker = workerTraceback(lines, block);
    const r = worker && classify(worker.name, worker.message);
    const read = r ? readThrough(lines, worker!, r, worker!.exception) : null;
    return read && { ...read, wrapped_by: read.wrapped_by ?? block.name };
  }
  if (!own) return null;
  if (!own.wrapper) return { reading: own, used: block, from: block.header, to: end };
  const cause = causeOf(lines, block);
  const inner = cause && classify(cause.name, cause.message);
  return inner ? { reading: inner, used: cause!, from: cause!.header, to: end, wrapped_by: block.name } : { reading: own, used: block, from: block.header, to: end, wrapped_by: block.name };
}

/** What the frames say about a missing module or distribution: the app's own module, or a tool that lost its own package. */
function refine(r: Reading, used: Block, frame: Frame | null): Reading {
  const lastFile = used.frames.length ? used.frames[used.frames.length - 1].file : null;
  if (r.kind === 'distribution-not-found' && used.frames.some((f) => isConsoleScriptOf(f.file, r.distribution!))) {
    return { ...r, kind: 'broken-tool', hint: `the tool's own distribution ${r.distribution} is not installed for this Python: reinstall the tool` };
  }
  if (r.kind !== 'missing-module' || !r.module) return r;
  if (isLoadedByServer(frame)) return appModule(r.module);
  if (lastFile && isConsoleScript(lastFile)) return { ...r, kind: 'broken-tool', hint: `the tool's own package ${r.module} is missing: reinstall the tool` };
  return r;
}

/** Whether only the dying words of the program around it follow line `end`. */
function endsOutput(lines: string[], end: number, text: (i: number) => string, message: string): boolean {
  let trailing = 0;
  for (let i = end + 1; i < lines.length; i++) {
    const t = text(i);
    if (!isTrailer(t, message)) return false;
    if (t.trim() && ++trailing > MAX_TRAILER_LINES) return false;
  }
  return true;
}

interface Where {
  line: string;
  source: string | null;
  from: number;
  to: number;
  prefix: string;
}

function finding(r: Reading, w: Where): ImportErrorFinding {
  const f: ImportErrorFinding = {
    kind: r.kind,
    module: r.module,
    top_level: r.module?.split('.')[0] ?? null,
    line: w.line,
    source: w.source,
    installable: INSTALLABLE.has(r.kind),
    prefix: w.prefix,
    lines: { from: w.from + 1, to: w.to + 1 },
  };
  for (const k of ['hint', 'library', 'distribution', 'required_by', 'plugin'] as const) if (r[k] !== undefined) f[k] = r[k];
  return f;
}
