// How deep a pitfile nests, found by a scan of its text before the YAML
// parser runs. The parser builds a node per level: 100,000 nested "[" (or a
// line of 100,000 "- ") cost it seconds and left the engine 130 MiB larger
// for good, only to refuse the file. A pitfile is a few levels deep; past
// MAX_NESTING the file is refused here, for the price of one pass.

/** Deeper than any real pitfile by far (they nest about 6 levels). */
export const MAX_NESTING = 64;

/** The offset where `text` first nests deeper than `max` in flow ([ {) or compact (- - -) collections; -1 if never. */
export function findExcessNesting(text: string, max = MAX_NESTING): number {
  let depth = 0;
  let lineStart = true;
  let dashes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') {
      lineStart = true;
      dashes = 0;
      continue;
    }
    // "- - - x": each dash opens a sequence inside the one before.
    if (lineStart && depth === 0) {
      if (c === ' ' || c === '\t') continue;
      if (c === '-' && (text[i + 1] === ' ' || text[i + 1] === '\n' || text[i + 1] === undefined)) {
        if (++dashes > max) return i;
        continue;
      }
      lineStart = false;
    }
    const prev = text[i - 1];
    const atToken = i === 0 || prev === ' ' || prev === '\t' || prev === '\n' || prev === '[' || prev === '{' || prev === ',' || prev === ':';
    if (c === '#' && (prev === ' ' || prev === '\t' || prev === '\n' || i === 0)) i = skipTo(text, i, '\n') - 1;
    else if ((c === '"' || c === "'") && atToken) i = skipQuoted(text, i);
    else if (c === '[' || c === '{') {
      if (++depth > max) return i;
    } else if ((c === ']' || c === '}') && depth > 0) depth--;
  }
  return -1;
}

function skipTo(text: string, from: number, ch: string): number {
  const at = text.indexOf(ch, from);
  return at === -1 ? text.length : at;
}

/** The offset of the quote closing the string opened at `open` (or the end). */
function skipQuoted(text: string, open: number): number {
  const q = text[open];
  for (let i = open + 1; i < text.length; i++) {
    if (q === '"' && text[i] === '\\') i++;
    else if (text[i] === q) {
      if (q === "'" && text[i + 1] === "'") i++; // '' is a quote inside '…'
      else return i;
    }
  }
  return text.length;
}
