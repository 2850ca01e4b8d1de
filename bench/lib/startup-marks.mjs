// Preloaded into the engine by bench/startup-profile.mjs (node --import):
// stamps each spawn (process.hrtime, the clock of --cpu-prof's samples)
// and, with PIT_BENCH_MODULES=1, every module loaded (ESM through a load
// hook, CommonJS through Module._load), then writes them all to
// $PIT_BENCH_MARKS as JSON when the process exits.
import { ChildProcess } from 'node:child_process';
import Module, { register } from 'node:module';
import { writeFileSync } from 'node:fs';
import { MessageChannel } from 'node:worker_threads';

const marks = { spawns: [], firstSpawnCpuUs: null, modules: [] };
const now = () => Number(process.hrtime.bigint() / 1000n); // µs, CLOCK_MONOTONIC

const spawn = ChildProcess.prototype.spawn;
ChildProcess.prototype.spawn = function (...args) {
  if (!marks.spawns.length) {
    const u = process.cpuUsage();
    marks.firstSpawnCpuUs = u.user + u.system;
  }
  marks.spawns.push(now());
  return spawn.apply(this, args);
};

if (process.env.PIT_BENCH_MODULES === '1') {
  const { port1, port2 } = new MessageChannel();
  port1.on('message', (m) => marks.modules.push(m));
  port1.unref();
  register(new URL('./module-hooks.mjs', import.meta.url), { data: { port: port2 }, transferList: [port2] });
  const load = Module._load;
  Module._load = function (request, parent, isMain) {
    const t = now();
    const out = load.call(this, request, parent, isMain);
    try {
      marks.modules.push({ url: `cjs:${Module._resolveFilename(request, parent, isMain)}`, t });
    } catch {
      marks.modules.push({ url: `cjs:${request}`, t });
    }
    return out;
  };
}

process.on('exit', () => writeFileSync(process.env.PIT_BENCH_MARKS, JSON.stringify(marks)));
