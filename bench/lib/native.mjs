// Tiny C programs for the children, so a child's own start-up (a node child
// costs ~40 ms) does not hide the supervisor's cost. Falls back to sh.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const sources = {
  // Appends the wall clock in ns to argv[1], then exits.
  stamp: `#include <stdio.h>
#include <time.h>
int main(int c, char **v) { struct timespec t; clock_gettime(CLOCK_REALTIME, &t);
  FILE *f = fopen(v[1], "a"); fprintf(f, "%lld\\n", (long long)t.tv_sec * 1000000000LL + t.tv_nsec); fclose(f); return 0; }`,
  // Writes argv[1] numbered lines of exactly 100 bytes to stdout in large writes.
  flood: `#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
int main(int c, char **v) { long n = atol(v[1]); static char buf[1 << 16]; size_t at = 0;
  for (long i = 0; i < n; i++) { int k = snprintf(buf + at, 32, "%ld ", i); memset(buf + at + k, 'x', 99 - k); buf[at + 99] = '\\n'; at += 100;
    if (at + 100 > sizeof buf) { size_t o = 0; while (o < at) { ssize_t w = write(1, buf + o, at - o); if (w > 0) o += w; } at = 0; } }
  size_t o = 0; while (o < at) { ssize_t w = write(1, buf + o, at - o); if (w > 0) o += w; } return 0; }`,
};

/** Compile `name` into `dir`; returns its path, or null without a C compiler. */
export function compile(name, dir) {
  const src = join(dir, `${name}.c`);
  const bin = join(dir, name);
  writeFileSync(src, sources[name]);
  try {
    execFileSync('cc', ['-O2', '-o', bin, src], { stdio: 'ignore' });
    return bin;
  } catch {
    return null;
  }
}
