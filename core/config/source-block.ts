// One process's block of a pitfile's text, as written (comments and all),
// for the dashboard's process page. Text only, no YAML parser: the page
// bundles it, and the block is shown, never interpreted. Pure.

/**
 * The lines that define process `name`: its key at the first indentation
 * under `processes:` and every line below it indented deeper, without that
 * indentation. null when it is not written there (a local layer adds it).
 */
export function sourceBlock(text: string, name: string): string | null {
  const lines = text.split('\n');
  const top = lines.findIndex((l) => /^processes\s*:\s*(#.*)?$/.test(l));
  if (top < 0) return null;
  let level = -1;
  for (let i = top + 1; i < lines.length && !/^\S/.test(lines[i]); i++) {
    if (isFiller(lines[i])) continue;
    const indent = indentOf(lines[i]);
    if (level < 0) level = indent;
    if (indent !== level || keyOf(lines[i].slice(indent)) !== name) continue;
    let end = i + 1;
    while (end < lines.length && (isFiller(lines[end]) || indentOf(lines[end]) > level)) end++;
    while (end > i + 1 && isFiller(lines[end - 1])) end--;
    return lines.slice(i, end).map((l) => l.slice(Math.min(level, indentOf(l)))).join('\n');
  }
  return null;
}

const indentOf = (line: string) => /^ */.exec(line)![0].length;
const isFiller = (line: string) => line.trim() === '' || line.trim().startsWith('#');

/** The key a line starts with: `api:`, `"my api":`, `'x':`; null when it is no key. */
function keyOf(text: string): string | null {
  const m = /^(?:"((?:[^"\\]|\\.)*)"|'((?:[^']|'')*)'|([^\s:#][^:#]*?))\s*:(?:\s|$)/.exec(text);
  if (!m) return null;
  return m[1] ?? m[2]?.replace(/''/g, "'") ?? m[3];
}
