// Every benchmark in sequence, one line each: node bench/all.mjs
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

for (const name of ['restart-gap', 'startup', 'footprint', 'idle-cpu', 'log-throughput', 'stop', 'reload', 'heal']) {
  spawnSync(process.execPath, [fileURLToPath(new URL(`./${name}.mjs`, import.meta.url))], { stdio: 'inherit' });
}
