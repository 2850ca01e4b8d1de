// Start-up leaves garbage behind (the pitfile's parse, a hundred spawns,
// module loading). Left alone, V8 collects it during the first idle minute:
// its memory reducer marks the heap in ~40 short steps ~10 s after start,
// each a wakeup of the idle engine. One full collection once every process
// is up does that work at once, before the engine sits idle; the memory
// reducer is off (ENGINE_NODE_FLAGS), so it does not follow with its own.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Engine } from './engine.js';

/** One full garbage collection, once no process of `engine` is starting any more. */
export function collectWhenUp(engine: Engine): void {
  const starting = () => [...engine.supervisors.values()].some((s) => s.state === 'starting');
  if (!starting()) return void setImmediate(collectGarbage);
  const off = engine.bus.on('process:*:state', () => {
    if (starting()) return;
    off();
    setImmediate(collectGarbage);
  });
}

function collectGarbage(): void {
  // A context made while the flag is set has gc(); the engine's own does not.
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as (opts?: object) => void;
  setFlagsFromString('--no-expose-gc');
  // The memory reducer's kind of collection (compacting, pages given back), once.
  gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
}
