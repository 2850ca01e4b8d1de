// Log throughput: one child writes 200 MB of 100-byte numbered lines as
// fast as it can; MB/s until the last line is in the tool's log, then every
// line is checked: present once, in order, intact.
// node bench/log-throughput.mjs   (MB=200)
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { compare } from './lib/harness.mjs';
import { compile } from './lib/native.mjs';
import { until } from './lib/procs.mjs';
import { fmt } from './lib/stats.mjs';

const MB = Number(process.env.MB ?? 200);
const LINES = (MB * 1_000_000) / 100;
// Pit stamps each line ("<ISO time> out | "): 31 bytes more per line.
const overhead = { pit: 31, pm2: 0, supervisord: 0 };

async function verify(file, tool) {
  let expected = 0;
  let bad = 0;
  const strip = (l) => (tool === 'pit' ? l.replace(/^\S+Z out \| /, '') : l);
  for await (const raw of createInterface({ input: createReadStream(file, 'latin1'), crlfDelay: Infinity })) {
    const l = strip(raw);
    const n = Number(l.slice(0, l.indexOf(' ')));
    if (n === expected && l.length === 99) expected++;
    else bad++;
  }
  return { lost: LINES - expected, bad };
}

await compare('log-throughput', async (tool, dir, marker) => {
  const flood = compile('flood', dir);
  if (!flood) throw new Error('needs a C compiler (cc)');
  const started = performance.now();
  const h = await tool.start(dir, [{ name: 'flood', argv: [flood, String(LINES)], env: { PIT_BENCH: marker }, restart: false }]);
  try {
    const log = h.log('flood');
    const size = LINES * (100 + overhead[tool.name]);
    await until(() => existsSync(log) && statSync(log).size >= size, 300_000, 'the whole log', 10);
    const secs = (performance.now() - started) / 1000;
    await h.stop();
    const { lost, bad } = await verify(log, tool.name);
    return `${fmt(MB / secs, 0)}MB/s lost ${lost} damaged ${bad}`;
  } finally {
    await h.cleanup();
  }
});
