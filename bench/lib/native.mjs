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
  // flood N [STAMP GO [line]]: writes N numbered lines of exactly 100 bytes
  // to stdout, in writes of 65,500 bytes (655 lines), or with "line" one
  // write per line. Given STAMP and GO, it first waits for the file GO to
  // exist (the bench lets the supervisor settle), then writes its start
  // time (CLOCK_REALTIME, ns) to STAMP, so start-up is not in the figure.
  flood: `#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
static void out(const char *b, size_t n) { size_t o = 0; while (o < n) { ssize_t w = write(1, b + o, n - o); if (w > 0) o += w; } }
int main(int c, char **v) { long n = atol(v[1]); int per_line = c > 4 && strcmp(v[4], "line") == 0; static char buf[1 << 16]; size_t at = 0;
  if (c > 3) { while (access(v[3], F_OK) != 0) usleep(1000);
    struct timespec t; clock_gettime(CLOCK_REALTIME, &t); FILE *f = fopen(v[2], "w"); fprintf(f, "%lld\\n", (long long)t.tv_sec * 1000000000LL + t.tv_nsec); fclose(f); }
  for (long i = 0; i < n; i++) { int k = snprintf(buf + at, 32, "%ld ", i); memset(buf + at + k, 'x', 99 - k); buf[at + 99] = '\\n'; at += 100;
    if (per_line || at + 100 > sizeof buf) { out(buf, at); at = 0; } }
  out(buf, at); return 0; }`,
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
