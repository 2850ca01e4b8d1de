// Hot reload and reactions, Pit only (the others have neither):
// - pitfile write → the added process running (median of N saves);
// - watched file write → the reaction's restart running.
// node bench/reload.mjs   (N=20)
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../dist/core/engine.js';
import { loadPitfile } from '../dist/core/config/load.js';
import { percentile, fmt } from './lib/stats.mjs';

const N = Number(process.env.N ?? 20);
const dir = mkdtempSync(join(tmpdir(), 'pit-bench-reload-'));
const idle = (tag) => JSON.stringify(['sleep', `1000${tag}`]);
const pitfile = (extra) => `version: 1
processes:
  base: { command: ${idle(0)} }
${extra}
watchers:
  code: { paths: ["src/*.txt"], debounce: 20ms }
reactions:
  - on: file:code:change
    do: [{ restart: base }]
`;
writeFileSync(join(dir, 'pitfile.yaml'), pitfile(''));
mkdirSync(join(dir, 'src'));
writeFileSync(join(dir, 'src', 'a.txt'), '');
const engine = new Engine((await loadPitfile({ cwd: dir })).pitfile);
const running = (name) => engine.bus.next(`process:${name}:state`, { where: (e) => e.to === 'running', withinMs: 10_000 });
try {
  const first = running('base');
  await engine.start();
  await first;
  const stop = engine.watchConfig();
  const reloads = [];
  for (let i = 1; i <= N; i++) {
    const up = running(`p${i}`);
    const t = performance.now();
    writeFileSync(join(dir, 'pitfile.yaml'), pitfile(`  p${i}: { command: ${idle(i)} }`));
    await up;
    reloads.push(performance.now() - t);
  }
  stop();
  const restarts = [];
  for (let i = 0; i < N; i++) {
    const up = running('base');
    const t = performance.now();
    writeFileSync(join(dir, 'src', 'a.txt'), String(i));
    await up;
    restarts.push(performance.now() - t);
  }
  console.log(
    `reload          pit pitfile write → new process running: median ${fmt(percentile(reloads, 50), 0)}ms p90 ${fmt(percentile(reloads, 90), 0)}ms` +
      ` | file write → reaction restart running: median ${fmt(percentile(restarts, 50), 0)}ms p90 ${fmt(percentile(restarts, 90), 0)}ms (n=${N})`,
  );
} finally {
  await engine.stop();
  rmSync(dir, { recursive: true, force: true });
}
