// Reads a child's stdout or stderr into one buffer that every pipe shares,
// instead of the fresh 64 KiB Buffer Node makes for each read. Those Buffers
// are freed only when V8 collects garbage, and a flood that makes little
// garbage on the JS heap (a 200 MB line nobody decodes) lets them pile up
// towards V8's external-memory limit: +31 MiB of engine RSS for the reads
// alone, measured. With one buffer, a read leaves nothing behind.
//
// Node offers a reused buffer (net.Socket's `onread`) only to a socket as
// it is made, so the pipe's handle is taken from the socket child_process
// made (before the event loop could read anything with it) and given to a
// new socket made with `onread`, as child_process itself makes its sockets.
import { Socket, type SocketConstructorOpts } from 'node:net';
import type { Readable } from 'node:stream';

/**
 * Larger than Node's own 64 KiB: a child's pipe is a Unix socket, which
 * holds ~200 KiB (the kernel's default send buffer), so under a flood one
 * read takes all that waits, and the work per read (the event loop, the
 * timestamp, the write to the log) is done a third as often.
 */
const READ_BYTES = 256 * 1024;

// One for all: reads run one at a time on the main thread, and each chunk
// is used up before the next read.
let shared: Buffer | null = null;

interface StreamHandle {
  readStop(): number;
  /** net's own flag: the new socket starts reading only when it is false. */
  reading: boolean;
}

/**
 * Read `stream` (a child's stdout or stderr, just spawned) chunk by chunk
 * into the shared buffer. `onChunk` gets a view valid only during the call:
 * copy what must be kept. Returns the stream to watch for 'end' and 'close'
 * and to destroy to stop reading: a new socket on the same pipe, or
 * `stream` itself, read with 'data' events, when it is not a socket.
 */
export function readPipe(stream: Readable, onChunk: (chunk: Buffer) => void): Readable {
  const old = stream as Readable & { _handle?: StreamHandle | null };
  const handle = stream instanceof Socket ? old._handle : null;
  if (!handle || typeof handle.readStop !== 'function') {
    stream.on('data', onChunk);
    return stream;
  }
  // The old socket started reading as it was made; it lets go of the pipe
  // (and closes as if at its end, which child_process counts on).
  handle.readStop();
  handle.reading = false;
  old._handle = null;
  // Read already (only if an event loop turn passed since the spawn): first in line.
  for (let chunk: Buffer | null; (chunk = stream.read() as Buffer | null) !== null; ) onChunk(chunk);
  stream.destroy();
  shared ??= Buffer.allocUnsafe(READ_BYTES);
  // `onread` is in Node's documentation of the constructor, `handle` is how child_process makes these sockets: neither is in the types.
  const onread = { buffer: shared, callback: (n: number, buf: Buffer) => void onChunk(buf.subarray(0, n)) };
  return new Socket({ handle, readable: true, onread } as SocketConstructorOpts);
}
