// Every tool call an agent makes goes into the journal as mcp:<tool>:call,
// with its arguments, before the tool runs: refused calls too, so a person
// can see what an agent tried. The engine writes the journal, so the call
// goes through its control socket (POST /v1/mcp/calls); with no engine
// running there is no journal being written, and the call goes unrecorded.
import type { ProjectEngine } from '../control/client.js';
import { isNoEngine } from './engine-link.js';

/** Arguments larger than this are journaled as their size only: the API takes bodies up to 64 KiB. */
const MAX_ARGUMENT_BYTES = 16 * 1024;

export interface Call {
  tool: string;
  arguments: Record<string, unknown>;
  allowed: boolean;
  client: string | null;
}

/** The journaled event's id; null when no engine runs. Any other failure is thrown: a call that cannot be recorded does not run. */
export async function journalCall(engine: ProjectEngine, call: Call): Promise<string | null> {
  const size = Buffer.byteLength(JSON.stringify(call.arguments));
  const args = size > MAX_ARGUMENT_BYTES ? { too_large_to_record: true, bytes: size } : call.arguments;
  try {
    const { id } = await engine.client.call<{ id: string }>('POST', '/v1/mcp/calls', { ...call, arguments: args }, 5000);
    return id;
  } catch (e) {
    if (isNoEngine(e)) return null;
    throw e;
  }
}
