// Server-sent events for the control API's streams (processes, logs,
// events): a slow reader loses messages and is told how many, never slows
// the engine; the streams open at once are capped over every client.
import type { ServerResponse } from 'node:http';
import { errors } from '../errors.js';
import { withStatus } from './http.js';

/** A follower that cannot keep up loses lines (and is told how many), never slows the engine. */
const FOLLOW_BUFFER_BYTES = 1024 * 1024;
/** Event streams open at once, over every client: each holds a buffer of up to FOLLOW_BUFFER_BYTES. */
export const MAX_STREAMS = 32;

export interface Stream {
  send(event: string, data: unknown): void;
  onClose(fn: () => void): void;
}

let openStreams = 0;

/** Server-sent events on the response; a slow reader loses messages, and is told. */
export function openStream(res: ServerResponse): Stream {
  if (openStreams >= MAX_STREAMS) throw withStatus(errors.PIT_E_CONTROL_STREAMS(MAX_STREAMS), 503);
  openStreams++;
  res.once('close', () => openStreams--);
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  res.write(': pit\n\n');
  let dropped = 0;
  const closers: (() => void)[] = [];
  const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
  res.once('close', () => {
    clearInterval(keepAlive);
    closers.forEach((fn) => fn());
  });
  return {
    send(event, data) {
      if (res.writableEnded || res.destroyed) return;
      if (res.writableLength > FOLLOW_BUFFER_BYTES) {
        dropped++;
        return;
      }
      if (dropped) {
        res.write(`event: dropped\ndata: ${JSON.stringify({ count: dropped })}\n\n`);
        dropped = 0;
      }
      res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    onClose: (fn) => closers.push(fn),
  };
}
