// Every benchmark in sequence, one line each: node bench/all.mjs
// Idle CPU is measured from 5 s after launch (issue 23's window), and log
// throughput in both workloads: 64 KB writes, and one write per line (50 MB:
// at ~25 MB/s, 200 MB would take minutes per tool).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const runs = [
  ['restart-gap'],
  ['startup'],
  ['footprint'],
  ['idle-cpu', { SETTLE_S: '5' }],
  ['log-throughput', { WRITES: '64k' }],
  ['log-throughput', { WRITES: 'line', MB: '50' }],
  ['stop'],
  ['reload'],
  ['heal'],
];
for (const [name, env] of runs) {
  spawnSync(process.execPath, [fileURLToPath(new URL(`./${name}.mjs`, import.meta.url))], { stdio: 'inherit', env: { ...process.env, ...env } });
}
