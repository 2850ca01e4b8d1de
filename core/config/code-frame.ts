// A few source lines around a position with a caret under it, so an error
// shows the text it is about (as rollup's getCodeFrame does).

/** Lines `line-1 .. line+1` of `text` (1-based), with a caret at `column`. */
export function codeFrame(text: string, line: number, column: number): string {
  const lines = text.split(/\r?\n/);
  const first = Math.max(1, line - 1);
  const last = Math.min(lines.length, line + 1);
  const width = String(last).length;
  const out: string[] = [];
  for (let n = first; n <= last; n++) {
    const src = (lines[n - 1] ?? '').replace(/\t/g, ' ');
    out.push(`  ${n === line ? '>' : ' '} ${String(n).padStart(width)} | ${src.slice(0, 160)}`);
    if (n === line) out.push(`    ${' '.repeat(width)} | ${' '.repeat(Math.max(0, column - 1))}^`);
  }
  return out.join('\n');
}
