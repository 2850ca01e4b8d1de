// A pattern tested against a child's output lines: a log health check
// (`health: { log: "Listening on .*" }`) and a reaction's `if.match`.
//
// Two parties meet here: the pattern comes from the pitfile and the line
// from the child, which is attacker-controlled. A backtracking engine
// (RegExp) lets a pattern like "(a+)+$" take exponential time on a line of
// a's, stalling the whole engine; node 20 has no linear-time RegExp flag.
// RE2JS is a pure-JavaScript port of RE2 (no native addon to compile): its
// automata run in time linear in the line, whatever the pattern. Lines are
// at most MAX_LINE_BYTES (the line splitter cuts longer ones), so each test
// is bounded.
import { createRequire } from 'node:module';
import { stripVTControlCharacters } from 'node:util';
import { MAX_LINE_BYTES } from './line-splitter.js';

type Re2 = (typeof import('re2js'))['RE2JS'];
let re2: Re2 | null = null;

/**
 * RE2JS, loaded on first use (about 15 ms): a pitfile without a log check or if.match
 * does not pay for it. Synchronously, so a check listens from the run's
 * first line.
 */
function engine(): Re2 {
  re2 ??= (createRequire(import.meta.url)('re2js') as typeof import('re2js')).RE2JS;
  return re2;
}

/** A compiled line pattern: tests a line as it was printed. */
export interface LinePattern {
  readonly source: string;
  /** Whether `line` (one output line, without its newline) matches, colour codes aside. */
  test(line: string): boolean;
  /** The first match in `line` and its groups (match[0] the whole, '' for a group that took no part), or null. */
  exec(line: string): string[] | null;
}

/** Compile `source` (RE2 syntax); throws with `why` when it is not a valid pattern. */
export function compileLinePattern(source: string): LinePattern {
  const re = engine().compile(source);
  return {
    source,
    test: (line) => re.test(plainLine(line)),
    exec: (line) => {
      const m = re.matcher(plainLine(line));
      if (!m.find()) return null;
      return Array.from({ length: m.groupCount() + 1 }, (_, i) => m.group(i) ?? '');
    },
  };
}

/** Why `source` is not a valid line pattern, or null when it is. */
export function linePatternProblem(source: string): string | null {
  try {
    engine().compile(source);
    return null;
  } catch (e) {
    // "error parsing regexp: missing closing ): `(a`": keep what went wrong.
    const why = String((e as Error).message ?? e).replace(/^error parsing regexp:\s*/, '');
    return /Perl syntax: `\(\?[=!<]/.test(why) || /escape sequence: `\\[1-9]`/.test(why)
      ? `${why} (lookaround and backreferences are not supported: they can take exponential time)`
      : why;
  }
}

/** `text` as a pattern matching exactly that text (process-compose's ready_log_line is a substring). */
export function literalLinePattern(text: string): string {
  return text.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

/**
 * The line as a person reads it: colour and cursor codes removed, and no
 * longer than a logged line can be (a line event is already cut there; this
 * bounds a caller that is not).
 */
function plainLine(line: string): string {
  const bounded = line.length > MAX_LINE_BYTES ? line.slice(0, MAX_LINE_BYTES) : line;
  return bounded.includes('\x1b') || bounded.includes('\x9b') ? stripVTControlCharacters(bounded) : bounded;
}
