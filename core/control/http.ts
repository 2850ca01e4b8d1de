// HTTP for the control API on node:http: routes (find-my-way, the router
// fastify itself uses), JSON bodies within a limit, JSON answers, and every
// refusal in our envelope { error: { code, message, fix } }. fastify did all
// this before; loading it took more of the engine's start and memory than
// the few things the API needs from it.
import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type RequestListener, type Server, type ServerOptions, type ServerResponse } from 'node:http';
import Router from 'find-my-way';
import { PitError, errors } from '../errors.js';
import type { ListenConfig } from '../model/pitfile.js';

/** A request body larger than this is refused (413): commands are small. */
export const BODY_LIMIT_BYTES = 64 * 1024;

type Query = Record<string, string | undefined>;

export interface Request<Q = Query> {
  params: Record<string, string>;
  query: Q;
  /** The JSON (or text/plain) body as sent: any value, or undefined when there is none. */
  body: unknown;
}

/** Returns what to answer as JSON (200), or answers on `res` itself and returns nothing. */
export type Handler<Q> = (req: Request<Q>, res: ServerResponse) => Promise<unknown>;

/** The routes of one server; `handle` is its node:http listener. */
export class Api {
  readonly #router = Router({
    defaultRoute: (req, res) => sendError(res, 404, errors.PIT_E_CONTROL_NOT_FOUND(req.method!, req.url!)),
    onBadUrl: (path, _req, res) => sendError(res, 400, errors.PIT_E_CONTROL_BAD_REQUEST(`'${path}' is not a valid URL path`)),
    onMaxParamLength: (path, _req, res) => sendError(res, 414, errors.PIT_E_CONTROL_BAD_REQUEST(`a part of '${path}' is longer than 100 characters`)),
  });

  readonly handle: RequestListener = (req, res) => this.#router.lookup(req, res);

  // HEAD answers as GET does, without the body (node:http drops it).
  get<Q = Query>(path: string, handler: Handler<Q>): void {
    this.#on(['GET', 'HEAD'], path, handler, false);
  }

  post<Q = Query>(path: string, handler: Handler<Q>): void {
    this.#on(['POST'], path, handler, true);
  }

  put<Q = Query>(path: string, handler: Handler<Q>): void {
    this.#on(['PUT'], path, handler, true);
  }

  #on<Q>(methods: Router.HTTPMethod[], path: string, handler: Handler<Q>, withBody: boolean): void {
    this.#router.on(methods, path, (req, res, params, _store, query) => {
      const answer = async () => {
        const body = withBody ? await bodyOf(req, res) : undefined;
        const value = await handler({ params: params as Record<string, string>, query: query as Q, body }, res);
        if (!res.headersSent) sendJson(res, 200, value);
      };
      // A stream that has begun cannot turn into an error answer.
      answer().catch((e) => res.headersSent || fail(res, e));
    });
  }
}

/** `e` with the HTTP status it is answered with. */
export function withStatus<E extends PitError>(e: E, statusCode: number): E & { statusCode: number } {
  return Object.assign(e, { statusCode });
}

export function badRequest(message: string): PitError & { statusCode: number } {
  return withStatus(errors.PIT_E_CONTROL_BAD_REQUEST(message), 400);
}

/** Answer a thrown error: ours with its status (500 if it has none), anything else as a 500 bad request. */
function fail(res: ServerResponse, err: unknown): void {
  const status = (err as { statusCode?: number }).statusCode ?? 0;
  sendError(res, status >= 400 ? status : 500, err instanceof PitError ? err : errors.PIT_E_CONTROL_BAD_REQUEST((err as Error).message));
}

export function sendError(res: ServerResponse, status: number, e: PitError, more: Record<string, unknown> = {}): void {
  sendJson(res, status, { error: { code: e.code, message: e.message, fix: e.fix ?? null }, ...more });
}

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, JSON.stringify(value), { 'content-type': 'application/json; charset=utf-8' });
}

export function send(res: ServerResponse, status: number, body: string | Buffer, headers: OutgoingHttpHeaders): void {
  res.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(body) }).end(body);
}

/** The body by its content-type: JSON parsed, text/plain as text, none at all as undefined. */
async function bodyOf(req: IncomingMessage, res: ServerResponse): Promise<unknown> {
  const { 'content-type': type, 'content-length': length, 'transfer-encoding': chunked } = req.headers;
  if (type === undefined && chunked === undefined && (length ?? '0') === '0') return undefined;
  const media = type?.split(';')[0].trim().toLowerCase();
  if (media !== 'application/json' && media !== 'text/plain') throw withStatus(errors.PIT_E_CONTROL_BAD_REQUEST('Unsupported Media Type'), 415);
  try {
    const text = await readText(req);
    if (media === 'text/plain') return text;
    if (text === '') throw badRequest("Body cannot be empty when content-type is set to 'application/json'");
    try {
      return JSON.parse(text);
    } catch {
      throw badRequest("Body is not valid JSON but content-type is set to 'application/json'");
    }
  } catch (e) {
    // The rest of a refused body may still be on its way: end the connection after the answer.
    res.setHeader('connection', 'close');
    throw e;
  }
}

/** The whole body as UTF-8, refused (413) as soon as it passes BODY_LIMIT_BYTES. */
function readText(req: IncomingMessage): Promise<string> {
  const tooLarge = () => withStatus(errors.PIT_E_CONTROL_BODY_TOO_LARGE(BODY_LIMIT_BYTES), 413);
  if (Number(req.headers['content-length']) > BODY_LIMIT_BYTES) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    // Listeners rather than for-await: leaving the loop early would destroy the socket the refusal goes out on.
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= BODY_LIMIT_BYTES) return void chunks.push(chunk);
      stop();
      reject(tooLarge());
    };
    const onEnd = (err?: Error) => {
      stop();
      if (err) reject(badRequest(err.message));
      else resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const stop = () => req.off('data', onData).off('end', onEnd).off('error', onEnd);
    req.on('data', onData).on('end', onEnd).on('error', onEnd);
  });
}

/** A server for `handle` at a socket path or host and port. */
export async function serve(handle: RequestListener, at: { path: string } | ListenConfig, options: ServerOptions = {}): Promise<{ server: Server; close(): Promise<void> }> {
  const server = createServer(options, handle);
  // The timeouts the API has always had: an idle connection (a dashboard tab
  // between fetches) is kept 72 s, and a request is not cut off while it arrives.
  server.keepAliveTimeout = 72_000;
  server.requestTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(at, resolve);
  });
  return {
    server,
    close: () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Followers of logs and events would otherwise hold a stop open.
      server.closeAllConnections();
      return closed;
    },
  };
}
