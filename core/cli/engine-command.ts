// How `engine` is started: by its #! line, and as the same command line
// where Pit starts itself (run --daemon, the service units).
import { fileURLToPath } from 'node:url';

/**
 * The V8 flags of every engine, also on main.ts's #! line (a test holds the
 * two together). A 1 MiB young generation instead of 16: the engine's
 * garbage is short-lived lines and events, and the default kept ~12 MiB of
 * RSS for nothing; log throughput and the restart gap measured the same.
 *
 * No memory reducer: it marked the heap in ~40 short steps ~10 s after
 * start, inside the idle window; the engine collects start-up's garbage
 * itself once all are up (startup-garbage.ts). Idle CPU over 30 s from 5 s
 * after launch, 100 children: 140–152 ms → 21–38 ms; RSS the same (±1 MiB).
 */
export const ENGINE_NODE_FLAGS = ['--max-semi-space-size=1', '--no-memory-reducer'];

/** node, its flags and the CLI's entry point: put the verb and its arguments after it. */
export const engineCommand = () => [process.execPath, ...ENGINE_NODE_FLAGS, fileURLToPath(new URL('./main.js', import.meta.url))];
