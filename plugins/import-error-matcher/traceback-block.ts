// One traceback as Python, pytest or IPython prints it, read strictly: the
// header is a whole line (after a prefix the whole block shares), frames
// follow it with nothing else between, and the exception line comes right
// after the last frame. Text that merely contains "Traceback" or an
// exception's words is not a block. String methods only: a hostile 64 KiB
// line costs one pass.
import { shapeOf, stripPrefix, type PrefixShape } from './prefix.js';

export interface Frame {
  /** The file the frame names ("<frozen importlib._bootstrap>" included). */
  file: string;
  /** The function it ran ("import_app"); '' when not shown. */
  func: string;
  /** Index of the frame's line in the output. */
  at: number;
}

export interface Block {
  style: 'python' | 'pytest' | 'ipython';
  /** Index of the header line. */
  header: number;
  /** Index of the exception line. */
  exception: number;
  /** The prefix on the header line ('' when none), and its shape. */
  prefix: string;
  shape: PrefixShape;
  frames: Frame[];
  /** The exception's dotted name and its message (without prefix, pytest's "E   " or colours). */
  name: string;
  message: string;
  /** The exception line as printed, prefix removed. */
  line: string;
  /** The code line shown above the exception (`import yaml`), when there is one. */
  source: string | null;
}

const PYTHON_HEADER = 'Traceback (most recent call last):';
const IPYTHON_HEADER = 'Traceback (most recent call last)';
const PYTEST_HEADER = 'Traceback:';
const CONFTEST = "ImportError while loading conftest '";
/** How far an IPython block may run from its header to its exception line. */
const IPYTHON_MAX_LINES = 200;

/** The header's style and prefix when `line` is a traceback header, else null. */
export function headerOf(line: string): { style: Block['style']; prefix: string } | null {
  if (line.endsWith(PYTHON_HEADER)) return { style: 'python', prefix: line.slice(0, -PYTHON_HEADER.length) };
  if (line.endsWith(PYTEST_HEADER)) return { style: 'pytest', prefix: line.slice(0, -PYTEST_HEADER.length) };
  const c = line.indexOf(CONFTEST);
  if (c >= 0 && line.endsWith("'.")) return { style: 'pytest', prefix: line.slice(0, c) };
  // IPython: "ModuleNotFoundError                       Traceback (most recent call last)".
  if (line.endsWith(IPYTHON_HEADER)) {
    const name = line.slice(0, line.indexOf(' '));
    if (name && isExceptionName(name) && !line.slice(name.length, -IPYTHON_HEADER.length).trim()) return { style: 'ipython', prefix: '' };
  }
  return null;
}

/** The block whose header is line `h`, or null when what follows is not a whole traceback. */
export function readBlock(lines: readonly string[], h: number): Block | null {
  const head = headerOf(lines[h]);
  if (!head) return null;
  const shape = shapeOf(head.prefix);
  if (!shape) return null;
  const start = { header: h, prefix: head.prefix, shape };
  if (head.style === 'python') return readPython(lines, start);
  if (head.style === 'pytest') return readPytest(lines, start);
  return readIpython(lines, start);
}

type Start = Pick<Block, 'header' | 'prefix' | 'shape'>;

function readPython(lines: readonly string[], s: Start): Block | null {
  const frames: Frame[] = [];
  let i = s.header + 1;
  let text: string | null = null;
  for (; i < lines.length; i++) {
    text = stripPrefix(lines[i], s.shape);
    if (text === null || !isIndented(text)) break;
    const frame = pythonFrame(text);
    if (frame) frames.push({ ...frame, at: i });
  }
  if (text === null || i >= lines.length || !frames.length) return null;
  const exc = parseException(text);
  if (!exc) return null;
  return { style: 'python', ...s, exception: i, frames, ...exc, line: text, source: sourceAbove(lines, s.shape, i, frames) };
}

function readPytest(lines: readonly string[], s: Start): Block | null {
  const frames: Frame[] = [];
  let i = s.header + 1;
  let text: string | null = null;
  for (; i < lines.length; i++) {
    text = stripPrefix(lines[i], s.shape);
    if (text === null || text.startsWith('E   ')) break;
    const file = pytestFrameFile(text);
    if (file !== null) frames.push({ file, func: '', at: i });
    else if (!isIndented(text)) return null;
  }
  if (text === null || i >= lines.length || !frames.length) return null;
  const exc = parseException(text.slice(4));
  if (!exc) return null;
  return { style: 'pytest', ...s, exception: i, frames, ...exc, line: text.slice(4), source: sourceAbove(lines, s.shape, i, frames) };
}

/** IPython's cells and arrows have no fixed shape: the block ends at the exception its header named. */
function readIpython(lines: readonly string[], s: Start): Block | null {
  const name = lines[s.header].slice(0, lines[s.header].indexOf(' '));
  const end = Math.min(lines.length, s.header + IPYTHON_MAX_LINES);
  for (let i = s.header + 1; i < end; i++) {
    const l = lines[i];
    if (l !== name && !l.startsWith(`${name}:`)) continue;
    const exc = parseException(l);
    if (!exc) return null;
    let source: string | null = null;
    for (let j = s.header + 1; j < i; j++) if (lines[j].startsWith('---->')) source = lines[j].replace(/^-+> *\d* /, '').trim();
    return { style: 'ipython', ...s, exception: i, frames: [], ...exc, line: l, source };
  }
  return null;
}

/** "ModuleNotFoundError: No module named 'x'" → its name and message; null when the line is no exception line. */
export function parseException(text: string): { name: string; message: string } | null {
  const colon = text.indexOf(':');
  const name = colon < 0 ? text : text.slice(0, colon);
  if (!isExceptionName(name)) return null;
  return { name, message: colon < 0 ? '' : text.slice(colon + 1).trim() };
}

const isExceptionName = (s: string) => s.length <= 200 && /^[A-Za-z_][\w.]*$/.test(s);
const isIndented = (s: string) => s.startsWith(' ') || s.startsWith('\t');

/** `  File "/srv/app.py", line 3, in <module>` → "/srv/app.py" and "<module>". */
function pythonFrame(text: string): { file: string; func: string } | null {
  const t = text.trimStart();
  if (!t.startsWith('File "')) return null;
  const end = t.indexOf('", line ', 6);
  if (end < 0) return null;
  const at = t.indexOf(', in ', end);
  return { file: t.slice(6, end), func: at < 0 ? '' : t.slice(at + 5) };
}

/** pytest's `tests/conftest.py:3: in <module>` → "tests/conftest.py". */
function pytestFrameFile(text: string): string | null {
  if (isIndented(text)) return null;
  const at = text.lastIndexOf(': in ');
  if (at < 0) return null;
  const colon = text.lastIndexOf(':', at - 1);
  if (colon <= 0 || !/^\d+$/.test(text.slice(colon + 1, at))) return null;
  return text.slice(0, colon);
}

/** The code line between the last frame and the exception, skipping caret lines. */
function sourceAbove(lines: readonly string[], shape: PrefixShape, exception: number, frames: Frame[]): string | null {
  const last = frames[frames.length - 1].at;
  for (let i = exception - 1; i > last; i--) {
    const t = (stripPrefix(lines[i], shape) ?? '').trim();
    if (t && !/^[~^]+$/.test(t) && t !== '???') return t.startsWith('> ') ? t.slice(2).trim() : t;
  }
  return null;
}

/** The traceback `block` was chained from ("The above exception was the direct cause…"), if any. */
export function causeOf(lines: readonly string[], block: Block): Block | null {
  const text = (i: number) => (i >= 0 ? stripPrefix(lines[i], block.shape)?.trim() : undefined);
  const h = block.header;
  if (text(h - 1) !== '' || !CHAIN_SENTENCES.includes(text(h - 2) ?? '') || text(h - 3) !== '') return null;
  // The cause's exception line is just above, give or take a message's continuation or quotes.
  for (let i = h - 4; i >= 0 && i >= h - 4 - 200; i--) {
    if (!headerOf(lines[i])) continue;
    const cause = readBlock(lines, i);
    return cause && cause.exception >= h - 9 && cause.exception <= h - 4 ? cause : null;
  }
  return null;
}

/** Python's sentences between the tracebacks of a chain. */
export const CHAIN_SENTENCES = [
  'During handling of the above exception, another exception occurred:',
  'The above exception was the direct cause of the following exception:',
];
