// Log throughput: one child writes 200 MB of 100-byte numbered lines as
// fast as it can, in 65,500-byte writes (WRITES=64k, the default) or one
// write per line (WRITES=line). The child waits until the supervisor has
// settled, stamps its start, and floods; MB/s is from that stamp to the
// log file's last modification once the last line is in it, so start-up is
// not in the figure. Beside it, the supervisor's CPU time (utime+stime, all
// threads, from /proc) over the flood, in seconds per GB: on a loaded
// machine it says more than the wall clock. Then every line is checked:
// present once, in order, intact.
// First a line of ceilings for the same child on this machine: `flood |
// cat > file`, and a bare Node script writing each chunk it reads.
// node bench/log-throughput.mjs   (MB=200 WRITES=64k|line)
import { spawn, spawnSync } from 'node:child_process';
import { createReadStream, existsSync, readFileSync, statSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compare } from './lib/harness.mjs';
import { compile } from './lib/native.mjs';
import { cpuTicks, pidsWithMarker, until, TICKS_PER_SECOND } from './lib/procs.mjs';
import { fmt } from './lib/stats.mjs';

const MB = Number(process.env.MB ?? 200);
const WRITES = process.env.WRITES ?? '64k';
if (WRITES !== '64k' && WRITES !== 'line') throw new Error('WRITES is 64k or line');
const LINES = (MB * 1_000_000) / 100;
// Pit stamps each line ("<ISO time> out | "): 31 bytes more per line.
const overhead = { pit: 31, pm2: 0, supervisord: 0 };
/** How long the supervisor runs with the child waiting before the flood starts. */
const SETTLE_MS = 1000;

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

/** MB/s from the child's start stamp (ns) to the file's last write. */
function rate(stampFile, file) {
  const startNs = BigInt(readFileSync(stampFile, 'utf8').trim());
  const endNs = statSync(file, { bigint: true }).mtimeNs;
  return MB / (Number(endNs - startNs) / 1e9);
}

const floodArgs = (flood, dir) => [flood, String(LINES), join(dir, 'stamp'), join(dir, 'go'), WRITES];

/** The same child into a file with no supervisor: `cat`, and Node reading the pipe as it does by default. */
function ceilings() {
  const dir = mkdtempSync(join(tmpdir(), 'pit-bench-ceiling-'));
  try {
    const flood = compile('flood', dir);
    if (!flood) return 'needs a C compiler (cc)';
    writeFileSync(join(dir, 'go'), '');
    const args = floodArgs(flood, dir).join(' ');
    spawnSync('sh', ['-c', `${args} | cat > ${join(dir, 'cat.log')}`]);
    const cat = rate(join(dir, 'stamp'), join(dir, 'cat.log'));
    const script = `const fs = require('fs'); const fd = fs.openSync(${JSON.stringify(join(dir, 'node.log'))}, 'a');
      const c = require('child_process').spawn(${JSON.stringify(flood)}, ${JSON.stringify(floodArgs(flood, dir).slice(1))}, { stdio: ['ignore', 'pipe', 'inherit'] });
      c.stdout.on('data', (b) => { for (let o = 0; o < b.length; ) o += fs.writeSync(fd, b, o); });`;
    spawnSync(process.execPath, ['-e', script]);
    const node = rate(join(dir, 'stamp'), join(dir, 'node.log'));
    return `cat > file ${fmt(cat, 0)}MB/s | node, a write per chunk read ${fmt(node, 0)}MB/s`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`${`log-ceiling-${WRITES}`.padEnd(15)} ${ceilings()}`);

await compare(`log-throughput-${WRITES}`, async (tool, dir, marker) => {
  const flood = compile('flood', dir);
  if (!flood) throw new Error('needs a C compiler (cc)');
  const h = await tool.start(dir, [{ name: 'flood', argv: floodArgs(flood, dir), env: { PIT_BENCH: marker }, restart: false }]);
  try {
    await until(() => pidsWithMarker(marker).length > 0, 30_000, 'the child', 20);
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const pids = h.pids();
    const ticks = () => pids.reduce((n, p) => n + cpuTicks(p), 0);
    const before = ticks();
    writeFileSync(join(dir, 'go'), '');
    const log = h.log('flood');
    const size = LINES * (100 + overhead[tool.name]);
    // Seldom: the figure comes from the file's own times, and polling costs the tools CPU.
    await until(() => existsSync(log) && statSync(log).size >= size, 300_000, 'the whole log', 50);
    const cpu = (ticks() - before) / TICKS_PER_SECOND;
    const mbs = rate(join(dir, 'stamp'), log);
    await h.stop();
    const { lost, bad } = await verify(log, tool.name);
    return `${fmt(mbs, 0)}MB/s ${fmt(cpu / (MB / 1000), 2)} CPU s/GB lost ${lost} damaged ${bad}`;
  } finally {
    await h.cleanup();
  }
});
