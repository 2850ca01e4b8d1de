// Stop: 100 children, 10 of which ignore SIGTERM, stop timeout 2 s; time
// from the stop request until every child is gone. node bench/stop.mjs
import { compare } from './lib/harness.mjs';
import { pidsWithMarker, until } from './lib/procs.mjs';
import { fmt } from './lib/stats.mjs';

// A shell ignoring TERM keeps restarting its sleep (which TERM does kill)
// until SIGKILL comes.
const stubborn = ['/bin/sh', '-c', "trap '' TERM; while :; do sleep 1; done"];

await compare('stop-100', async (tool, dir, marker) => {
  const env = { PIT_BENCH: marker };
  const h = await tool.start(dir, [
    { name: 'idle', argv: ['sleep', '100000'], env, restart: true, count: 90, stopTimeoutS: 2 },
    { name: 'stubborn', argv: stubborn, env, restart: true, count: 10, stopTimeoutS: 2 },
  ]);
  try {
    await until(() => pidsWithMarker(marker).length >= 110, 60_000, 'all children');
    const started = performance.now();
    await h.stop();
    await until(() => pidsWithMarker(marker).length === 0, 60_000, 'all children gone', 20);
    return `${fmt((performance.now() - started) / 1000, 2)}s`;
  } finally {
    await h.cleanup();
  }
});
