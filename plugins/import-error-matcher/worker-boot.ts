// gunicorn before 20 ends a failed boot with the master's own traceback,
// "gunicorn.errors.HaltServer: <HaltServer 'Worker failed to boot.' 3>",
// printed after the worker's: the worker's exception is what the process
// died of, and it is the last traceback before the master's.
import { stripPrefix } from './prefix.js';
import { causeOf, headerOf, readBlock, type Block } from './traceback-block.js';
import { isTrailer } from './trailer.js';

/** How far back the worker's traceback may end before the master's begins. */
const MAX_GAP_LINES = 40;

/** The master's exception for a worker that died while booting. */
export function isWorkerBootFailure(block: Block): boolean {
  return block.name.endsWith('HaltServer') && block.message.includes('Worker failed to boot');
}

/** The worker's traceback just before the master's chain, with only log records between. */
export function workerTraceback(lines: readonly string[], master: Block): Block | null {
  let first = master;
  for (let c = causeOf(lines, first); c; c = causeOf(lines, first)) first = c;
  for (let i = first.header - 1; i >= 0 && first.header - i <= MAX_GAP_LINES + 200; i--) {
    if (!headerOf(lines[i])) continue;
    const worker = readBlock(lines, i);
    if (!worker || first.header - worker.exception > MAX_GAP_LINES) return null;
    for (let j = worker.exception + 1; j < first.header; j++) {
      if (!isTrailer(stripPrefix(lines[j], worker.shape) ?? lines[j], worker.message)) return null;
    }
    return worker;
  }
  return null;
}
