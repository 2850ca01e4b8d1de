// Self-healing, Pit only (no other supervisor heals): a Python process in a
// venv imports a missing module; the engine installs a small wheel from a
// local index and restarts it. Per run:
// - import error → install command started: the child stamps the time just
//   before its failing import; the install event says when pip started;
// - whole heal: from that stamp to the restarted child's first line.
// node bench/heal.mjs   (N=10)
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../dist/core/engine.js';
import { loadPitfile } from '../dist/core/config/load.js';
import { linesOf } from '../dist/core/logs/line-splitter.js';
import { percentile, fmt } from './lib/stats.mjs';

const N = Number(process.env.N ?? 10);
const dir = mkdtempSync(join(tmpdir(), 'pit-bench-heal-'));
const wheels = join(dir, 'wheels');
execFileSync('python3', [new URL('../test/fixtures/python/make-wheel.py', import.meta.url).pathname, wheels, 'Bench-Pkg', '1.0.0', '--module', 'benchpkg'], { stdio: 'ignore' });
const wheel = readdirSync(wheels)[0];
const body = readFileSync(join(wheels, wheel));
const server = createServer((req, res) => {
  if (req.url.startsWith('/simple/bench-pkg')) return res.writeHead(200, { 'content-type': 'text/html' }).end(`<a href="/files/${wheel}#sha256=${createHash('sha256').update(body).digest('hex')}">${wheel}</a>`);
  if (req.url === `/files/${wheel}`) return res.end(body);
  res.writeHead(404).end();
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${server.address().port}/simple/`;
const python = join(dir, '.venv', 'bin', 'python');
execFileSync('python3', ['-m', 'venv', join(dir, '.venv')], { stdio: 'ignore' });
writeFileSync(
  join(dir, 'app.py'),
  'import sys, time\nsys.stderr.write("t0 %.6f\\n" % time.time()); sys.stderr.flush()\nimport benchpkg\nprint("up %.6f" % time.time(), flush=True)\n',
);
writeFileSync(
  join(dir, 'pitfile.yaml'),
  `version: 1
processes:
  app: { command: ".venv/bin/python app.py", restart: { policy: never }, autostart: false }
installer: { index_url: "${url}", aliases: { benchpkg: Bench-Pkg } }
reactions:
  - on: process:*:import-error
    do: [{ install: {} }, { restart: $process }]
`,
);

let t0 = 0;
let up = 0;
const engine = new Engine((await loadPitfile({ cwd: dir })).pitfile, {
  lines: (_name, _stream, split) => {
    for (const l of linesOf(split).map(String)) {
      const m = /^(t0|up) ([\d.]+)/.exec(l);
      if (m && m[1] === 't0' && !t0) t0 = Number(m[2]) * 1000;
      if (m && m[1] === 'up') up = Number(m[2]) * 1000;
    }
  },
});
const toStart = [];
const whole = [];
try {
  await engine.start();
  if (process.env.DEBUG) engine.bus.on('*:*', (e) => console.error(e.type, e.subject, e.to ?? '', e.exit_code ?? '', e.name ?? '', e.outcome ?? '', e.message ?? ''));
  for (let i = 0; i < N; i++) {
    execFileSync(python, ['-m', 'pip', 'uninstall', '-y', '-q', 'Bench-Pkg'], { stdio: 'ignore' });
    rmSync(join(dir, '.pit', 'installer'), { recursive: true, force: true });
    t0 = 0;
    up = 0;
    const installed = engine.bus.next('process:app:install', { withinMs: 120_000 });
    const healed = engine.bus.next('process:app:state', { withinMs: 120_000, where: (e) => e.to === 'exited' && e.exit_code === 0 });
    await engine.processes.start('app');
    const ev = await installed;
    await healed;
    if (ev.outcome !== 'installed' || !ev.started_at) throw new Error(`run ${i}: ${ev.outcome}: ${ev.reason}\n${ev.output ?? ''}`);
    toStart.push(ev.started_at - t0);
    whole.push(up - t0);
  }
  console.log(
    `heal            pit import error → pip started: median ${fmt(percentile(toStart, 50), 0)}ms p90 ${fmt(percentile(toStart, 90), 0)}ms` +
      ` | whole heal (small wheel, local index): median ${fmt(percentile(whole, 50), 0)}ms p90 ${fmt(percentile(whole, 90), 0)}ms (n=${N})`,
  );
} finally {
  await engine.stop();
  server.close();
  rmSync(dir, { recursive: true, force: true });
}
