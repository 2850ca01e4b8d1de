// What POST /v1/processes/<start|stop|restart> answers for each process:
// one shape for the CLI, the dashboard and engine mcp that read it.

export interface ActionResult {
  name: string;
  ok: boolean;
  /** Why it failed, with its code and fix ("… [PIT_E_PROCESS_UNKNOWN]; fix: …"); null when ok. */
  error: string | null;
  state: string | null;
  pid: number | null;
}
