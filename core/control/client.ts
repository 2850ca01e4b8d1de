// The control API as the CLI's verbs use it: find the engine of the project
// the command runs in, send a request over its socket, read JSON or a
// stream of server-sent events.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { dirname, join } from 'node:path';
import { PitError, PitfileError, errors, type PitErrorCode } from '../errors.js';
import { loadPitfile } from '../config/load.js';
import { discoverPitfile } from '../config/discover.js';
import type { Pitfile } from '../model/pitfile.js';
import { findSocketPath } from './socket-path.js';
import { DEFAULT_STATE_DIR } from '../state-dir.js';
import { runningLockHolder } from '../process/engine-lock.js';

export interface ProjectEngine {
  /** The pitfile, when it loads (a broken one must not hide a running engine). */
  pitfile: Pitfile | null;
  stateDir: string;
  client: ControlClient;
}

/** The engine of the project found from `cwd` (or --config), as `engine run` would find it. */
export async function findProjectEngine(config: string | undefined, cwd = process.cwd()): Promise<ProjectEngine> {
  let pitfile: Pitfile | null = null;
  let stateDir: string;
  try {
    pitfile = (await loadPitfile({ config, cwd, plugins: false })).pitfile;
    stateDir = pitfile.settings.stateDir;
  } catch (e) {
    if (!(e instanceof PitfileError) || e.errors.some((x) => x.code === 'PIT_E_CONFIG_NOT_FOUND')) throw e;
    // Invalid now (mid-edit): the engine that runs still uses the default place.
    stateDir = join(dirname((await discoverPitfile(cwd, config)).file), DEFAULT_STATE_DIR);
  }
  return { pitfile, stateDir, client: new ControlClient(findSocketPath(stateDir), () => runningLockHolder(stateDir) !== null) };
}

/** A refusal from the API: its error, and the whole body (a refused reload lists every problem). */
export class ApiError extends PitError {
  constructor(
    readonly status: number,
    readonly body: { error: { code: string; message: string; fix: string | null } } & Record<string, unknown>,
  ) {
    super(body.error.code as PitErrorCode, body.error.message, body.error.fix ?? undefined);
  }
}

/**
 * How long a verb waits for an engine that holds the project's lock but
 * does not listen yet: `engine run` opens its control API once the
 * processes are launched and the plugins loaded (~1 s for 100 processes).
 */
export const STARTING_WAIT_MS = 15_000;

export class ControlClient {
  /** `isStarting`: whether an engine holds the project's lock (so one that does not listen yet is starting). */
  constructor(
    readonly socketPath: string,
    private readonly isStarting: () => boolean = () => false,
  ) {}

  /** One request; resolves with the JSON body of a 2xx answer, throws the API's error otherwise. */
  async call<T = Record<string, unknown>>(method: 'GET' | 'POST', path: string, body?: unknown, timeoutMs = 60_000): Promise<T> {
    const res = await this.#open(method, path, body, timeoutMs);
    const text = await readAll(res).catch(engineStopped);
    const json = text ? JSON.parse(text) : {};
    if ((res.statusCode ?? 500) >= 300) throw new ApiError(res.statusCode ?? 500, json);
    return json as T;
  }

  /** Follow a server-sent event stream; resolves when the engine closes it. */
  async follow(path: string, onMessage: (event: string, data: unknown) => void): Promise<void> {
    const res = await this.#open('GET', path);
    if ((res.statusCode ?? 500) >= 300) throw new ApiError(res.statusCode ?? 500, JSON.parse(await readAll(res).catch(engineStopped)));
    res.setEncoding('utf8');
    let pending = '';
    for await (const chunk of streamOf(res)) {
      pending += chunk;
      let end: number;
      while ((end = pending.indexOf('\n\n')) !== -1) {
        const block = pending.slice(0, end);
        pending = pending.slice(end + 2);
        let event = 'message';
        let data = '';
        for (const line of block.split('\n')) {
          if (line.startsWith('event: ')) event = line.slice(7);
          else if (line.startsWith('data: ')) data += line.slice(6);
        }
        if (data) onMessage(event, JSON.parse(data));
      }
    }
  }

  /** A request; while an engine is starting (its lock held, nothing listening yet), tried again until it listens. */
  async #open(method: string, path: string, body?: unknown, timeoutMs?: number): Promise<IncomingMessage> {
    const until = Date.now() + STARTING_WAIT_MS;
    for (;;) {
      try {
        return await this.#request(method, path, body, timeoutMs);
      } catch (e) {
        if (!(e instanceof PitError && e.code === 'PIT_E_CONTROL_NO_ENGINE') || Date.now() > until || !this.isStarting()) throw e;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }

  #request(method: string, path: string, body?: unknown, timeoutMs?: number): Promise<IncomingMessage> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        { socketPath: this.socketPath, method, path, headers: payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {} },
        (res) => {
          req.setTimeout(0);
          resolve(res);
        },
      );
      // A stopped (SIGSTOP) or wedged engine accepts the connection and never answers.
      if (timeoutMs) req.setTimeout(timeoutMs, () => req.destroy(errors.PIT_E_CONTROL_TIMEOUT(timeoutMs)));
      req.on('error', (e: NodeJS.ErrnoException) => {
        // No socket, or a socket nobody listens on (an engine that was killed).
        if (['ENOENT', 'ECONNREFUSED', 'ENOTSOCK'].includes(e.code ?? '')) reject(errors.PIT_E_CONTROL_NO_ENGINE(this.socketPath));
        else reject(isHangUp(e) ? errors.PIT_E_CONTROL_ENGINE_STOPPED(e.message) : e);
      });
      req.end(payload);
    });
  }
}

/** The connection closed before the whole answer came: the engine died (or was killed) mid-request. */
function isHangUp(e: NodeJS.ErrnoException): boolean {
  return e.code === 'ECONNRESET' || e.code === 'EPIPE' || e.message === 'aborted' || e.message === 'socket hang up';
}

function engineStopped(e: NodeJS.ErrnoException): never {
  throw isHangUp(e) ? errors.PIT_E_CONTROL_ENGINE_STOPPED(e.message === 'aborted' ? 'the answer was cut off' : e.message) : e;
}

/** `res`'s chunks, with a cut-off stream (the engine died) as PIT_E_CONTROL_ENGINE_STOPPED. */
async function* streamOf(res: IncomingMessage): AsyncGenerator<string> {
  try {
    for await (const chunk of res) yield chunk as string;
  } catch (e) {
    engineStopped(e as NodeJS.ErrnoException);
  }
}

async function readAll(res: IncomingMessage): Promise<string> {
  let text = '';
  res.setEncoding('utf8');
  for await (const chunk of res) text += chunk;
  return text;
}
