// Where a pitfile stops being UTF-8. Decoding it anyway would turn the bad
// bytes into U+FFFD and quietly change a value (and restart the process
// that has it); a person should see the place instead, as for any error.
import { isUtf8 } from 'node:buffer';

/** The offset of the first byte of `buf` that is not part of valid UTF-8; -1 when all of it is. */
export function findInvalidUtf8(buf: Buffer): number {
  if (isUtf8(buf)) return -1;
  for (let i = 0; i < buf.length; ) {
    const b = buf[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    const more = b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (more < 0 || i + more >= buf.length) return i;
    for (let k = 1; k <= more; k++) if ((buf[i + k] & 0xc0) !== 0x80) return i;
    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF.
    const c = buf[i + 1];
    if ((b === 0xe0 && c < 0xa0) || (b === 0xed && c >= 0xa0) || (b === 0xf0 && c < 0x90) || (b === 0xf4 && c >= 0x90)) return i;
    i += more + 1;
  }
  return -1;
}

/** Line and column (1-based, in characters) of byte `offset` of `buf`, valid UTF-8 up to there. */
export function bytePosition(buf: Buffer, offset: number): { line: number; column: number } {
  const lineStart = buf.lastIndexOf(0x0a, offset - 1) + 1;
  let line = 1;
  for (let i = buf.indexOf(0x0a); i !== -1 && i < offset; i = buf.indexOf(0x0a, i + 1)) line++;
  return { line, column: buf.toString('utf8', lineStart, offset).length + 1 };
}
