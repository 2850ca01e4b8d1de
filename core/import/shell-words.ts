// Command lines as the source tools read them: supervisord and Compose split
// a command like a POSIX shell (quotes and backslashes, no expansion) and run
// the words directly; a pitfile string runs through /bin/sh -c instead. So a
// command made only of plain words is written as a string (the shell gives
// the same words), and anything else as a list, which runs without a shell.

/** Split like Python's shlex.split (POSIX mode): quotes group, backslash escapes outside single quotes. */
export function splitWords(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote === "'") {
      if (c === "'") quote = null;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === '\\' && i + 1 < line.length && '\\"$`\n'.includes(line[i + 1])) word += line[++i];
      else word += c;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      inWord = true;
      if (c === "'" || c === '"') quote = c;
      else if (c === '\\' && i + 1 < line.length) word += line[++i];
      else word += c;
    }
  }
  if (quote) throw new Error(`unclosed ${quote} quote`);
  if (inWord) words.push(word);
  return words;
}

const plain = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Words the shell would give back unchanged when joined with spaces. */
export const arePlainWords = (words: string[]) => words.length > 0 && words.every((w) => plain.test(w));

/** The pitfile command for words run without a shell: a string when that is the same thing, else the list. */
export function commandOfWords(words: string[]): string | string[] {
  return arePlainWords(words) ? words.join(' ') : words;
}
