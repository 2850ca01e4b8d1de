// A prefix every line of a block carries: docker compose's "api-1  | ", a
// handler's "2026-01-01 12:00:00,123 ERROR ", "[worker] ", journald's
// "app[812]: ". A timestamp differs from line to line, so lines are compared
// by the prefix's shape: its text with each run of digits free to change.
// Everything here is a linear walk; no regular expression sees a whole line.

/** The prefix's text split at digit runs: even items are literal, odd items stand for any run of digits. */
export type PrefixShape = readonly string[];

/** A prefix longer than any logger's or multiplexer's is text, not a prefix. */
const MAX_PREFIX = 120;

/**
 * The shape of `prefix` (the text before a traceback header), or null when it
 * cannot be a prefix: too long, or not ending where a prefix ends (a space,
 * "|", ":", "]" or ">"), as "said: Traceback (most recent call last):" would.
 */
export function shapeOf(prefix: string): PrefixShape | null {
  if (!prefix) return [''];
  if (prefix.length > MAX_PREFIX) return null;
  if (!' \t|:]>'.includes(prefix[prefix.length - 1])) return null;
  return prefix.split(/(\d+)/);
}

/**
 * `line` without a prefix of `shape`, or null when it does not start with
 * one. An empty line keeps its prefix but may lose the prefix's trailing
 * spaces ("…app[web.1]:" for "…app[web.1]: "): that is an empty line too.
 */
export function stripPrefix(line: string, shape: PrefixShape): string | null {
  let at = 0;
  for (let i = 0; i < shape.length; i++) {
    if (i % 2 === 0) {
      if (!line.startsWith(shape[i], at)) {
        const bare = shape[i].trimEnd();
        return i === shape.length - 1 && line.length === at + bare.length && line.startsWith(bare, at) ? '' : null;
      }
      at += shape[i].length;
    } else {
      const from = at;
      while (at < line.length && line.charCodeAt(at) >= 48 && line.charCodeAt(at) <= 57) at++;
      if (at === from) return null;
    }
  }
  return at ? line.slice(at) : line;
}
