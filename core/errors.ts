// The PIT_E_* catalogue: every error Pit reports, grouped by area in the
// order of docs/errors.md's sections. A code is never reused; docs/errors.md
// gives each one a "how to fix", and a test keeps the two the same codes in
// the same order, each fix as the docs write it.
import { relative } from 'node:path';

/** A place in a source file; `path` is the dotted pitfile path when known. */
export interface Where {
  file: string;
  line: number;
  column: number;
  path?: string;
}

/** An error with a stable code, an optional location and a fix. */
export class PitError extends Error {
  constructor(
    readonly code: PitErrorCode,
    message: string,
    readonly fix?: string,
    readonly where?: Where,
    /** A few source lines with a caret under `where`. */
    readonly frame?: string,
  ) {
    super(message);
    this.name = 'PitError';
  }

  /** The same error, placed in a file (keeps code and fix). */
  at(where: Where, frame?: string): PitError {
    return new PitError(this.code, this.message, this.fix, where, frame);
  }

  /** Plain JSON for `--json` output, the journal and worker threads. */
  toJSON() {
    return {
      code: this.code,
      file: this.where?.file ?? null,
      line: this.where?.line ?? null,
      column: this.where?.column ?? null,
      path: this.where?.path ?? null,
      message: this.message,
      fix: this.fix ?? null,
    };
  }
}

const make =
  <A extends unknown[]>(code: string, build: (...a: A) => [message: string, fix?: string]) =>
  (...a: A) => {
    const [message, fix] = build(...a);
    return new PitError(code as PitErrorCode, message, fix);
  };

const durationFix = 'use a number and a unit: ms, s, m, h or d (e.g. "250ms", "5s", "10m", "1h", "7d")';
const sizeFix = 'use a number and a unit: B, KB, MB or GB (e.g. "512KB", "10MB")';

export const errors = {
  // config: finding and reading the pitfile
  PIT_E_CONFIG_NOT_FOUND: make('PIT_E_CONFIG_NOT_FOUND', (dir: string) => [
    `no pitfile found in ${dir} or any parent directory`,
    'create one with "engine init", or pass --config FILE',
  ]),
  PIT_E_CONFIG_UNTRUSTED: make('PIT_E_CONFIG_UNTRUSTED', (file: string, reason: string) => [
    `not using ${file}, found by searching upward: ${reason}, so anyone could have put it there`,
    `move the project into a folder of your own, or name the file yourself: engine run --config ${file}`,
  ]),
  PIT_E_CONFIG_READ: make('PIT_E_CONFIG_READ', (file: string, reason: string) => [
    `cannot read ${file}: ${reason}`,
    'check that the path exists and is readable',
  ]),
  PIT_E_CONFIG_TOO_LARGE: make('PIT_E_CONFIG_TOO_LARGE', (bytes: number, maxBytes: number) => [
    `the file is ${bytes} bytes; a pitfile may be at most ${maxBytes} bytes`,
    'a pitfile describes processes, not data: move large content to files it points to',
  ]),
  PIT_E_CONFIG_EMPTY: make('PIT_E_CONFIG_EMPTY', () => [
    'the file is empty',
    'start from "engine init" or config.example.yaml; a pitfile needs at least "version: 1"',
  ]),
  PIT_E_CONFIG_BOM: make('PIT_E_CONFIG_BOM', () => [
    'the file starts with a byte-order mark (BOM)',
    'save it as UTF-8 without BOM (most editors: "UTF-8" rather than "UTF-8 with BOM")',
  ]),
  PIT_E_CONFIG_SYNTAX: make('PIT_E_CONFIG_SYNTAX', (detail: string) => [
    `YAML syntax: ${detail}`,
    'fix the YAML at this place; indent with spaces, never tabs',
  ]),
  PIT_E_CONFIG_DUPLICATE_KEY: make('PIT_E_CONFIG_DUPLICATE_KEY', (key: string) => [
    `the key "${key}" appears twice in the same map`,
    'keep one of them: YAML would silently drop the other',
  ]),
  PIT_E_CONFIG_ENCODING: make('PIT_E_CONFIG_ENCODING', (byte: number) => [
    `the file is not valid UTF-8 (byte 0x${Number(byte).toString(16).padStart(2, '0')} here)`,
    'save it as UTF-8: this character was written in another encoding (Latin-1, Windows-1252, …); retype it or convert the file (iconv -f latin1 -t utf-8)',
  ]),
  PIT_E_CONFIG_NESTING: make('PIT_E_CONFIG_NESTING', (max: number) => [
    `brackets or braces nested more than ${max} deep`,
    'a pitfile is a few levels deep: this file looks generated or damaged; write the lists and maps out plainly',
  ]),
  PIT_E_CONFIG_ALIASES: make('PIT_E_CONFIG_ALIASES', (max: number) => [
    `too many alias expansions (more than ${max}); this looks like an alias bomb`,
    'write the values out, or use fewer anchors and aliases',
  ]),
  // config: shape (from the JSON Schema)
  PIT_E_CONFIG_UNKNOWN_KEY: make('PIT_E_CONFIG_UNKNOWN_KEY', (key: string, hint: string) => [
    `unknown key "${key}"${hint}`,
    'remove it, or fix its spelling; schemas/pitfile.schema.json lists every key',
  ]),
  PIT_E_CONFIG_REQUIRED: make('PIT_E_CONFIG_REQUIRED', (key: string) => [
    `missing required key "${key}"`,
    `add "${key}"; config.example.yaml shows each section`,
  ]),
  PIT_E_CONFIG_TYPE: make('PIT_E_CONFIG_TYPE', (expected: string, got: string) => [
    `must be ${expected} (got ${got})`,
    'change the value to the expected type',
  ]),
  PIT_E_CONFIG_ENUM: make('PIT_E_CONFIG_ENUM', (allowed: readonly unknown[], got: unknown) => [
    `must be one of ${allowed.join(', ')} (got ${JSON.stringify(got)})`,
    `use one of: ${allowed.join(', ')}`,
  ]),
  PIT_E_CONFIG_DURATION: make('PIT_E_CONFIG_DURATION', (got: unknown) => [
    `expected a duration like "5s" (got ${JSON.stringify(got)})`,
    durationFix,
  ]),
  PIT_E_CONFIG_SIZE: make('PIT_E_CONFIG_SIZE', (got: unknown) => [
    `expected a size like "10MB" (got ${JSON.stringify(got)})`,
    sizeFix,
  ]),
  PIT_E_CONFIG_INVALID: make('PIT_E_CONFIG_INVALID', (detail: string) => [
    detail,
    'see schemas/pitfile.schema.json or docs/pitfile.md for what this key accepts',
  ]),
  PIT_E_CONFIG_REPLICAS: make('PIT_E_CONFIG_REPLICAS', (detail: string, fix: string) => [detail, fix]),
  // config: interpolation
  PIT_E_CONFIG_ENV_UNSET: make('PIT_E_CONFIG_ENV_UNSET', (name: string) => [
    `environment variable ${name} is not set`,
    `set ${name}, or give a default: \${${name}:-value}; write $$ for a literal $`,
  ]),
  PIT_E_CONFIG_INTERPOLATION: make('PIT_E_CONFIG_INTERPOLATION', (text: string) => [
    `cannot interpolate ${JSON.stringify(text)}`,
    'write ${NAME} or ${NAME:-default} with NAME made of letters, digits and _; $$ is a literal $',
  ]),
  // config: meaning (checks the schema cannot express)
  PIT_E_CONFIG_DEPENDENCY_MISSING: make('PIT_E_CONFIG_DEPENDENCY_MISSING', (name: string, known: string) => [
    `depends on "${name}", which is not a process${known}`,
    'name a process defined under "processes", or remove the dependency',
  ]),
  PIT_E_CONFIG_DEPENDENCY_CYCLE: make('PIT_E_CONFIG_DEPENDENCY_CYCLE', (cycle: string[]) => [
    `dependency cycle: ${cycle.join(' -> ')}`,
    'remove one of the depends_on entries in the cycle',
  ]),
  PIT_E_CONFIG_HEALTH_MISSING: make('PIT_E_CONFIG_HEALTH_MISSING', (name: string) => [
    `waits for "${name}" to be healthy, but "${name}" has no health check`,
    `add health to ${name} (http, tcp, exec or log), or wait for "started" instead`,
  ]),
  PIT_E_CONFIG_PROCESS_UNKNOWN: make('PIT_E_CONFIG_PROCESS_UNKNOWN', (name: string, known: string) => [
    `no process matches "${name}"${known}`,
    'name a process defined under "processes", a glob such as "web-*", or $process',
  ]),
  PIT_E_CONFIG_EVENT_PATTERN: make('PIT_E_CONFIG_EVENT_PATTERN', (pattern: string, why: string) => [
    `bad event pattern "${pattern}": ${why}`,
    'write kind:subject:what or kind:subject, with * for any one segment (e.g. "process:*:exit")',
  ]),
  PIT_E_CONFIG_EVENT_UNKNOWN: make('PIT_E_CONFIG_EVENT_UNKNOWN', (pattern: string, why: string) => [
    `"${pattern}" can never match: ${why}`,
    'fix the name; docs/pitfile.md lists every event (engine events shows the ones that happened)',
  ]),
  PIT_E_CONFIG_EVENT_DATA: make('PIT_E_CONFIG_EVENT_DATA', (ref: string, type: string, flat: string) => [
    `${ref} reads a ${type} event's field under "data", where the built-in plugins' events nested it before; it is read as ${flat} for now, not in a later release`,
    `write ${flat}: every event's fields sit on the event itself, as process:exit's \${event.exit_code} does`,
  ]),
  PIT_E_CONFIG_CWD_MISSING: make('PIT_E_CONFIG_CWD_MISSING', (cwd: string) => [
    `the working directory ${cwd} does not exist`,
    'create it, or fix "cwd" (relative to the pitfile)',
  ]),
  PIT_E_CONFIG_PROGRAM_NOT_FOUND: make('PIT_E_CONFIG_PROGRAM_NOT_FOUND', (program: string, isPath: boolean, where: string) => [
    isPath ? `${program} does not exist or is not executable (from ${where})` : `"${program}" is not found on PATH (${where})`,
    isPath ? 'fix the path (relative to the cwd), or chmod +x the file' : 'install it, give its full path, or set PATH in the process\'s "env"',
  ]),
  PIT_E_CONFIG_WATCH_MATCHES_NOTHING: make('PIT_E_CONFIG_WATCH_MATCHES_NOTHING', (path: string) => [
    `"${path}" matches no file yet`,
    'fix the glob (it is relative to the pitfile); if the files come later, ignore this warning',
  ]),
  PIT_E_CONFIG_CPU_OVER_CORES: make('PIT_E_CONFIG_CPU_OVER_CORES', (percent: number, cores: number) => [
    `a cpu limit of ${percent}% can never be reached: this machine has ${cores} core${cores === 1 ? '' : 's'} (${cores * 100}% at most)`,
    `lower it to at most ${cores * 100}% (cpu is in percent of one core: 150% is one and a half)`,
  ]),
  PIT_E_CONFIG_WATCHER_UNKNOWN: make('PIT_E_CONFIG_WATCHER_UNKNOWN', (name: string, kind: string) => [
    `no ${kind} watcher named "${name}"`,
    'name a watcher defined under "watchers", or use *',
  ]),
  PIT_E_CONFIG_CRON: make('PIT_E_CONFIG_CRON', (expr: string, why: string) => [
    `bad cron expression "${expr}": ${why}`,
    'use five fields (minute hour day month weekday) or six with seconds first, e.g. "0 3 * * *"',
  ]),
  PIT_E_CONFIG_TIMEZONE: make('PIT_E_CONFIG_TIMEZONE', (tz: string) => [
    `unknown time zone "${tz}"`,
    'use an IANA name such as "UTC" or "Europe/Paris"',
  ]),
  PIT_E_CONFIG_REGEX: make('PIT_E_CONFIG_REGEX', (source: string, why: string) => [
    `bad regular expression ${JSON.stringify(source)}: ${why}`,
    'write an RE2 regular expression (no lookaround or backreferences), e.g. "ERROR (\\w+)"; escape \\ as \\\\ inside double quotes',
  ]),
  PIT_E_CONFIG_HEALTH_LOG: make('PIT_E_CONFIG_HEALTH_LOG', (source: string, why: string) => [
    `bad log pattern ${JSON.stringify(source)}: ${why}`,
    'write an RE2 regular expression (no lookaround or backreferences), e.g. "Listening on .*"; escape \\ as \\\\ inside double quotes',
  ]),
  PIT_E_CONFIG_PLUGIN: make('PIT_E_CONFIG_PLUGIN', (use: string, why: string) => [
    `plugin ${JSON.stringify(use)} cannot be used: ${why}`,
    'give a path starting with ./ to an ES module whose default export is definePlugin({...}), or an installed package name (see docs/plugins.md)',
  ]),
  PIT_E_CONFIG_UNKNOWN_SETTING: make('PIT_E_CONFIG_UNKNOWN_SETTING', (path: string, suggestion: string | undefined, known: string[]) => [
    `there is no setting ${path}${suggestion ? `; did you mean ${String(path).replace(/[^.[\]]+$/, suggestion)}?` : ''}`,
    known.length ? `settings here: ${known.join(', ')}` : 'see schemas/pitfile.schema.json for every setting',
  ]),
  PIT_E_CONFIG_NOT_SET: make('PIT_E_CONFIG_NOT_SET', (path: string) => [
    `${path} is not set and has no default`,
    `set it with: engine config set ${path} <value>`,
  ]),
  // process: starting, stopping and scaling processes
  PIT_E_PROCESS_CWD: make('PIT_E_PROCESS_CWD', (cwd: string) => [
    `the working directory ${cwd} does not exist or is not a directory`,
    'create it, or fix "cwd" (relative to the pitfile)',
  ]),
  PIT_E_PROCESS_COMMAND_NOT_FOUND: make('PIT_E_PROCESS_COMMAND_NOT_FOUND', (name: string, isPath: boolean) => [
    isPath ? `${name} does not exist or is not executable` : `command "${name}" not found in PATH`,
    isPath ? 'fix the path, or chmod +x the file' : 'install it, give its full path, or add its directory to PATH in "env"',
  ]),
  PIT_E_PROCESS_ENV_FILE: make('PIT_E_PROCESS_ENV_FILE', (file: string, reason: string) => [
    `cannot read env_file ${file}: ${reason}`,
    'create the file, or remove it from "env_file"',
  ]),
  PIT_E_PROCESS_INTERPRETER: make('PIT_E_PROCESS_INTERPRETER', (file: string, interpreter: string) => [
    `${file} starts with "#!${JSON.stringify(String(interpreter)).slice(1, -1)}", which does not exist or is not executable`,
    String(interpreter).endsWith('\r')
      ? 'the script has Windows line endings (CRLF): convert it, e.g. with dos2unix'
      : `install ${interpreter}, or fix the first line of ${file} (e.g. "#!/usr/bin/env python3")`,
  ]),
  PIT_E_PROCESS_SPAWN: make('PIT_E_PROCESS_SPAWN', (file: string, reason: string) => [
    `cannot start ${file}: ${reason}`,
    'check the command and its environment: no NUL bytes, and not megabytes of arguments or variables',
  ]),
  PIT_E_PROCESS_DEPENDENCY: make('PIT_E_PROCESS_DEPENDENCY', (name: string, dep: string, cond: string, why: string) => [
    `${name} was not started: it waits for ${dep}: ${cond}, and ${dep} ${why}`,
    `start both, in order: engine start ${dep} ${name}`,
  ]),
  PIT_E_PROCESS_ROLLING: make('PIT_E_PROCESS_ROLLING', (group: string, replica: string, why: string, left: string[] = []) => [
    `the rolling restart of ${group} stopped at ${replica}: ${why}${left.length ? `; not restarted: ${left.join(', ')}` : ''}`,
    `see why: engine logs ${replica}; fix it, then run "engine restart ${group} --rolling" again`,
  ]),
  PIT_E_PROCESS_SCALE: make('PIT_E_PROCESS_SCALE', (detail: string, fix: string) => [detail, fix]),
  // engine: the engine's lock and its state directory
  PIT_E_ENGINE_RUNNING: make('PIT_E_ENGINE_RUNNING', (pid: number) => [
    `another engine (pid ${pid}) is running for this project`,
    `use that one, or stop it first: engine shutdown (or kill ${pid})`,
  ]),
  PIT_E_STATE_FILE_LINK: make('PIT_E_STATE_FILE_LINK', (file: string) => [
    `${file} is a symbolic link; Pit does not read or write its state through links`,
    `remove it (rm ${file}); Pit creates the file again`,
  ]),
  PIT_E_STATE_DIR_UNSAFE: make('PIT_E_STATE_DIR_UNSAFE', (dir: string, reason: string, fix: string) => [
    `not using ${dir}: ${reason}; it holds the socket, the token and pid records, which must be yours alone`,
    fix,
  ]),
  PIT_E_ENGINE_LOCK_WRITE: make('PIT_E_ENGINE_LOCK_WRITE', (file: string, reason: string) => [
    `cannot write the engine lock ${file}: ${reason}; the engine does not start`,
    'free disk space in the state directory (settings.state_dir, .pit by default), then start it again',
  ]),
  // log: process logs
  PIT_E_LOG_WRITE: make('PIT_E_LOG_WRITE', (file: string, reason: string) => [
    `cannot write the log ${file}: ${reason}; output goes to the terminal only until the file can be written again`,
    'free disk space or fix the permissions of the state directory: logging resumes by itself within a second, with a line in the log saying how many bytes were lost',
  ]),
  PIT_E_LOG_NONE: make('PIT_E_LOG_NONE', (name: string, dir: string, known: string) => [
    `no log of a process named "${name}" in ${dir}`,
    `name one of: ${known}`,
  ]),
  // state: the journal, pid records and heartbeat in the state directory
  PIT_E_JOURNAL_WRITE: make('PIT_E_JOURNAL_WRITE', (file: string, reason: string) => [
    `cannot write the journal ${file}: ${reason}; events wait in memory and are written when it can be`,
    'free disk space in the state directory: the journal is retried every second, and supervision goes on meanwhile',
  ]),
  /** `rebuild`: the command that builds better-sqlite3's module where the package is there; null where it is not. */
  PIT_E_JOURNAL_SQLITE: make('PIT_E_JOURNAL_SQLITE', (node: string, rebuild: string | null, reason: string) => [
    `the journal is off: Node ${node} offers no node:sqlite, and better-sqlite3 did not load (${reason})`,
    rebuild
      ? `run "${rebuild}" (its install script did not run, as with ignore-scripts or pnpm's and bun's blocked builds, or it was built for another Node), or run Pit on Node 22.13 or newer, which has SQLite built in; supervision goes on meanwhile`
      : 'run Pit on Node 22.13 or newer, which has SQLite built in, or install Pit again where better-sqlite3 can be downloaded or built (python3, make and a C++ compiler); supervision goes on meanwhile',
  ]),
  PIT_E_JOURNAL_MISSING: make('PIT_E_JOURNAL_MISSING', (file: string) => [
    `no journal at ${file}: no engine has run in this project yet (or .pit/ was deleted)`,
    'run "engine run" first; the journal records every event from then on',
  ]),
  PIT_E_PIDS_WRITE: make('PIT_E_PIDS_WRITE', (file: string, reason: string) => [
    `cannot write the pid record ${file}: ${reason}; if this engine is killed now, the next one will not find this process`,
    'free disk space in the state directory: the record is retried every second, and supervision goes on meanwhile',
  ]),
  PIT_E_HEARTBEAT_WRITE: make('PIT_E_HEARTBEAT_WRITE', (file: string, reason: string) => [
    `cannot write the heartbeat ${file}: ${reason}; monitors that read it will see it go stale`,
    'free disk space or fix the permissions of its folder: it is written again at each beat',
  ]),
  // watch: file watchers
  PIT_E_WATCH_LIMIT: make('PIT_E_WATCH_LIMIT', (watcher: string) => [
    `watcher ${watcher}: the system's limit of inotify watches is reached (ENOSPC); changes in some directories are not seen`,
    'raise it: sudo sysctl fs.inotify.max_user_watches=524288 (and the same line in /etc/sysctl.d/60-pit.conf), or narrow "paths" and add "ignore"; engine doctor counts the watches needed',
  ]),
  PIT_E_WATCH_FILES: make('PIT_E_WATCH_FILES', (watcher: string, code: string) => [
    `watcher ${watcher}: too many open files (${code}); changes in some directories are not seen`,
    'raise the limit (ulimit -n 65536, or LimitNOFILE= in the service unit), or narrow "paths" and add "ignore"',
  ]),
  PIT_E_WATCH_GONE: make('PIT_E_WATCH_GONE', (watcher: string, dir: string) => [
    `watcher ${watcher}: the directory ${dir} was removed; changes below it are seen again once it is back`,
    'recreate it, or change the watcher\'s "paths"',
  ]),
  PIT_E_WATCH_FAILED: make('PIT_E_WATCH_FAILED', (watcher: string, reason: string) => [
    `watcher ${watcher}: ${reason}; changes there are not seen`,
    'fix the permissions of that path, or leave it out with "ignore"',
  ]),
  // cli: command-line usage
  PIT_E_CLI_USAGE: make('PIT_E_CLI_USAGE', (detail: string) => [detail, 'run "engine --help"']),
  // service: engine service: running the project as a system service
  PIT_E_SERVICE_ROOT_WRITABLE: make('PIT_E_SERVICE_ROOT_WRITABLE', (user: string, reasons: string[]) => [
    `the service would run as ${user}, and what it runs can be changed by others: ${reasons.join('; ')}`,
    'run it as the project\'s owner (--user-name NAME), make those paths root\'s own and not group/world-writable (chown root, chmod go-w), or accept the risk with --allow-root',
  ]),
  // export: engine export
  PIT_E_EXPORT_IMAGE: make('PIT_E_EXPORT_IMAGE', (name: string) => [
    `no image for process "${name}": Compose and Kubernetes run each process in a container image`,
    `set export.image (or export.images.${name}) in the pitfile, or pass --image (e.g. --image python:3.12-slim)`,
  ]),
  PIT_E_EXPORT_PATH: make('PIT_E_EXPORT_PATH', (path: string) => [
    `the path ${JSON.stringify(path)} holds a line break or another control character, which a unit file cannot hold`,
    'rename the folder (or the cwd / env_file the pitfile names) without control characters',
  ]),
  PIT_E_EXPORT_WRITE: make('PIT_E_EXPORT_WRITE', (path: string, reason: string) => [
    `cannot write ${path} (${reason}); nothing after it was written`,
    'choose a folder you can write with --out, or leave --out out to print the files',
  ]),
  // init: engine init
  PIT_E_INIT_EXISTS: make('PIT_E_INIT_EXISTS', (file: string) => [
    `${file} already exists; not overwriting it`,
    'edit it, or remove it first if you really want a fresh one',
  ]),
  // mcp: engine mcp, the Model Context Protocol server for coding agents
  PIT_E_MCP_CONTROL_DISABLED: make('PIT_E_MCP_CONTROL_DISABLED', (tool: string) => [
    `${tool} changes the running project, and this MCP server was started without --allow-control`,
    'to let the agent start, stop and restart processes and change settings, register the server as "engine mcp --allow-control"',
  ]),
  PIT_E_MCP_ARGUMENTS: make('PIT_E_MCP_ARGUMENTS', (tool: string, detail: string) => [
    `${tool}: ${detail}`,
    "send the arguments the tool's input schema lists (tools/list)",
  ]),
  // import: engine import reading another tool's config
  PIT_E_IMPORT_FORMAT: make('PIT_E_IMPORT_FORMAT', (file: string) => [
    `cannot tell which tool ${file} is for`,
    'name the format: engine import FILE --from pm2|procfile|supervisord|compose|process-compose',
  ]),
  PIT_E_IMPORT_PARSE: make('PIT_E_IMPORT_PARSE', (file: string, format: string, detail: string) => [
    `cannot read ${file} as ${format}: ${detail}`,
    'check that the tool itself accepts the file, or name another format with --from',
  ]),
  PIT_E_IMPORT_EMPTY: make('PIT_E_IMPORT_EMPTY', (file: string, format: string) => [
    `${file} (${format}) defines no process`,
    'import the file that lists the processes (apps, services, [program:x], processes)',
  ]),
  PIT_E_IMPORT_EXISTS: make('PIT_E_IMPORT_EXISTS', (file: string) => [
    `${file} already exists; not overwriting it`,
    'pass --force to replace it, --out FILE to write elsewhere, or --dry-run to print it',
  ]),
  PIT_E_IMPORT_TIMEOUT: make('PIT_E_IMPORT_TIMEOUT', (file: string, ms: number) => [
    `${file} did not finish loading within ${ms / 1000}s; its node process was killed`,
    'an ecosystem file should only export its apps: remove what it waits for (a server, a loop, a prompt), or export the object as JSON',
  ]),
  PIT_E_IMPORT_EVAL: make('PIT_E_IMPORT_EVAL', (file: string, reason: string) => [
    `node could not load ${file}: ${reason}`,
    'run "node FILE" to see the error; install what it requires, or export the object as ecosystem.config.json',
  ]),
  // control: the API on the engine's socket and its clients
  PIT_E_CONTROL_NO_ENGINE: make('PIT_E_CONTROL_NO_ENGINE', (socket: string) => [
    `no engine is running for this project (nothing listens on ${socket})`,
    'start one: engine run (or engine run --daemon)',
  ]),
  PIT_E_CONTROL_ENGINE_STOPPED: make('PIT_E_CONTROL_ENGINE_STOPPED', (reason: string) => [
    `the engine stopped while handling this (${reason})`,
    'see whether it still runs (engine status) and why it stopped: its terminal, or .pit/engine.log for engine run --daemon',
  ]),
  PIT_E_CONTROL_TIMEOUT: make('PIT_E_CONTROL_TIMEOUT', (ms: number) => [
    `the engine did not answer within ${ms / 1000}s`,
    'it may be stopped (SIGSTOP) or overloaded: check its pid in .pit/engine.lock; engine health falls back to the heartbeat file',
  ]),
  PIT_E_CONTROL_UNKNOWN_PROCESS: make('PIT_E_CONTROL_UNKNOWN_PROCESS', (name: string, known: string) => [
    `no process named "${name}"`,
    `use one of: ${known}`,
  ]),
  PIT_E_CONTROL_STREAMS: make('PIT_E_CONTROL_STREAMS', (max: number) => [
    `${max} event streams are open already (engine logs -f, engine events -f, dashboard tabs)`,
    'close a follower or a dashboard tab, then try again',
  ]),
  PIT_E_CONTROL_BAD_REQUEST: make('PIT_E_CONTROL_BAD_REQUEST', (detail: string) => [detail, 'see schemas/control.openapi.json for the request each endpoint takes']),
  PIT_E_CONTROL_NOT_FOUND: make('PIT_E_CONTROL_NOT_FOUND', (method: string, url: string) => [
    `no endpoint ${method} ${url}`,
    'see schemas/control.openapi.json for the endpoints',
  ]),
  PIT_E_CONTROL_BODY_TOO_LARGE: make('PIT_E_CONTROL_BODY_TOO_LARGE', (maxBytes: number) => [
    `the request body is larger than ${maxBytes} bytes`,
    'send a smaller body: control requests are a few names',
  ]),
  PIT_E_DAEMON_START: make('PIT_E_DAEMON_START', (reason: string, log: string) => [
    `the engine did not start in the background: ${reason}`,
    `see ${log}, or run it in the foreground to watch: engine run`,
  ]),
  // dashboard: the dashboard's guards on the token, the host and the origin
  PIT_E_DASHBOARD_TOKEN: make('PIT_E_DASHBOARD_TOKEN', (detail: string) => [detail, 'open the address engine dashboard prints (it ends in #token=…); the token is in .pit/dashboard.token']),
  PIT_E_DASHBOARD_ORIGIN: make('PIT_E_DASHBOARD_ORIGIN', (detail: string) => [detail, 'change things from the dashboard page itself; other sites may not']),
  PIT_E_DASHBOARD_HOST: make('PIT_E_DASHBOARD_HOST', (detail: string) => [detail, 'open it as http://127.0.0.1:PORT/ or http://localhost:PORT/']),
  PIT_E_DASHBOARD_TOKEN_FILE: make('PIT_E_DASHBOARD_TOKEN_FILE', (file: string) => [
    `${file} is missing, or someone other than you could read or change it: its token is not printed`,
    'restart the engine (engine shutdown, then engine run --dashboard): it writes a new token only you can read',
  ]),
  PIT_E_DASHBOARD_OFF: make('PIT_E_DASHBOARD_OFF', (pid: number) => [
    `the engine (pid ${pid}) runs without its dashboard`,
    'start the engine with engine run --dashboard, or set settings.dashboard.listen: "127.0.0.1:7411" in the pitfile and start it again',
  ]),
  // plugin: failures of a plugin at run time (plugin:<name>:error carries the code)
  PIT_E_PLUGIN_LOAD: make('PIT_E_PLUGIN_LOAD', (plugin: string, why: string) => [
    `plugin ${plugin} cannot be loaded: ${why}`,
    'check its entry under "plugins" and that the module default-exports definePlugin({...}) (see docs/plugins.md), then reload: engine reload',
  ]),
  PIT_E_PLUGIN_SETUP: make('PIT_E_PLUGIN_SETUP', (plugin: string, why: string) => [
    `plugin ${plugin}: setup failed: ${why}; the plugin is disabled, the engine goes on without it`,
    'fix what its setup needs (its options, a file, a service), then reload the pitfile: engine reload',
  ]),
  PIT_E_PLUGIN_HOOK: make('PIT_E_PLUGIN_HOOK', (plugin: string, hook: string, why: string) => [
    `plugin ${plugin}: ${hook} failed: ${why}`,
    'see the plugin\'s log lines around it; after 5 failures in a minute the plugin is disabled until the pitfile is reloaded',
  ]),
  PIT_E_PLUGIN_TIMEOUT: make('PIT_E_PLUGIN_TIMEOUT', (plugin: string, hook: string, ms: number) => [
    `plugin ${plugin}: ${hook} did not finish within ${ms}ms; its worker was ended and will be replaced`,
    'make the hook return sooner (start long work without awaiting it), or give actions their own limit with actionTimeoutMs',
  ]),
  PIT_E_PLUGIN_EMIT: make('PIT_E_PLUGIN_EMIT', (plugin: string, why: string) => [
    `plugin ${plugin}: ${why}`,
    'emit names of the form kind:subject:what (no *), at most 1000 a second',
  ]),
  PIT_E_PLUGIN_REQUEST: make('PIT_E_PLUGIN_REQUEST', (plugin: string, why: string) => [
    `plugin ${plugin}: its request failed: ${why}`,
    'ask for start, stop or restart of a process the pitfile defines',
  ]),
  PIT_E_PLUGIN_ACTION: make('PIT_E_PLUGIN_ACTION', (plugin: string, action: string, reason: string) => [
    `plugin ${plugin}: ${action} failed: ${reason}`,
    "the plugin's reason says what it needs; the reaction's later actions did not run",
  ]),
  PIT_E_PLUGIN_DISABLED: make('PIT_E_PLUGIN_DISABLED', (plugin: string, action: string, why: string) => [
    `plugin ${plugin}: ${action} did not run: ${why}`,
    `see why: engine events --type "plugin:${plugin}:*"; fix it, then reload the pitfile: engine reload`,
  ]),
  // installer: the python-installer plugin: what it refuses for the pitfile's sake, and its actions' failures
  PIT_E_INSTALL_INDEX_BACKEND: make('PIT_E_INSTALL_INDEX_BACKEND', (backend: 'conda' | 'poetry add') => [
    backend === 'conda'
      ? 'conda installs from conda channels, not from a pip index: installer.index_url cannot apply'
      : "poetry add installs from the project's own sources ([[tool.poetry.source]] in pyproject.toml): installer.index_url cannot apply",
    backend === 'conda'
      ? 'remove installer.index_url, or set installer.backend: pip to install with pip inside the conda environment'
      : 'configure the source in pyproject.toml and remove installer.index_url, or set installer.edit_project: false to install with pip from index_url',
  ]),
  PIT_E_INSTALL_NO_PROCESS: make('PIT_E_INSTALL_NO_PROCESS', () => [
    'install needs a process, and the event it runs after names none',
    'use it after a process:<name>:import-error event, or give { install: { process: api, module: yaml } }',
  ]),
  PIT_E_INSTALL_PROCESS_UNKNOWN: make('PIT_E_INSTALL_PROCESS_UNKNOWN', (name: string) => [
    `no process named "${name}"`,
    'give install a process the pitfile defines: { install: { process: api } }',
  ]),
  PIT_E_INSTALL_NO_MODULE: make('PIT_E_INSTALL_NO_MODULE', (after: string) => [
    `install after ${after}: there is no module to install`,
    'run it on process:*:import-error, or name the module: { install: { module: yaml } }',
  ]),
  PIT_E_INSTALL_NOT_PENDING: make('PIT_E_INSTALL_NOT_PENDING', (id: string) => [
    `no install waiting with id "${id}"`,
    'engine install --pending lists the installs waiting for approval',
  ]),
  PIT_E_INSTALL_FAILED: make('PIT_E_INSTALL_FAILED', (distribution: string, reason: string) => [
    `installing ${distribution} failed: ${reason}`,
    'see the process:<name>:install event for the command and its output (engine events --type "process:*:install"); engine install <module> --for <process> tries it by hand',
  ]),
  PIT_E_INSTALL_GAVE_UP: make('PIT_E_INSTALL_GAVE_UP', (process: string, reason: string) => [
    `gave up on ${process}: ${reason}; ${process} is stopped`,
    `install what it needs by hand (engine install <module> --for ${process}), then engine start ${process}`,
  ]),
  PIT_E_INSTALL_NOT_INSTALLED: make('PIT_E_INSTALL_NOT_INSTALLED', (outcome: string, reason: string) => [
    `no install (${outcome}): ${reason}`,
    'the reason says what the installer refused or waits for; installer settings are in docs/pitfile.md, and engine install --pending lists installs waiting for approval',
  ]),
  PIT_E_INSTALL_ALREADY_HEALED: make('PIT_E_INSTALL_ALREADY_HEALED', (reason: string) => [
    `nothing more to do: ${reason}`,
    'nothing: the process was restarted after the earlier install; a later failure is handled afresh',
  ]),
  // run: which processes engine run starts (engine run api, --except, --profile)
  PIT_E_RUN_PROCESS_UNKNOWN: make('PIT_E_RUN_PROCESS_UNKNOWN', (where: string, name: string, known: string) => [
    `${where} names "${name}", and the pitfile has no such process`,
    `use one of: ${known}`,
  ]),
  PIT_E_RUN_EXCLUDED_DEPENDENCY: make('PIT_E_RUN_EXCLUDED_DEPENDENCY', (name: string, dep: string) => [
    `${name} depends on ${dep}, which --except ${dep} leaves out`,
    `leave ${name} out too (--except ${dep},${name}), or drop ${dep} from --except`,
  ]),
  PIT_E_RUN_PROFILE_DEPENDENCY: make('PIT_E_RUN_PROFILE_DEPENDENCY', (name: string, dep: string, profiles: string[]) => [
    `${name} depends on ${dep}, which runs only with ${profiles.length === 1 ? 'profile' : 'profiles'} ${profiles.join(', ')}, not active`,
    `activate it (engine run --profile ${profiles[0]}), name ${dep} too (engine run ${name} ${dep}), or remove the dependency`,
  ]),
  PIT_E_RUN_PROFILE_UNKNOWN: make('PIT_E_RUN_PROFILE_UNKNOWN', (profile: string, known: string) => [
    `--profile ${profile}: no process has this profile`,
    `use one of: ${known}`,
  ]),
  // reaction: an action of a fired reaction that failed (reaction:<id>:failed carries the code)
  PIT_E_REACTION_ACTION_UNKNOWN: make('PIT_E_REACTION_ACTION_UNKNOWN', (action: string) => [
    `no built-in action or loaded plugin offers "${action}"`,
    'use start, stop, restart, run, emit or notify, or <plugin>.<action> of a plugin that loaded (engine events --type "plugin:*" shows why one did not)',
  ]),
  PIT_E_REACTION_PROCESS_UNKNOWN: make('PIT_E_REACTION_PROCESS_UNKNOWN', (name: string, known: string) => [
    `no process named "${name}"`,
    `name a process the pitfile defines: ${known}`,
  ]),
  PIT_E_REACTION_NO_PROCESS: make('PIT_E_REACTION_NO_PROCESS', (event: string) => [
    `$process: the event ${event} names no process`,
    'use $process in reactions on process events (process:*:exit), or name the process',
  ]),
  PIT_E_REACTION_RUN: make('PIT_E_REACTION_RUN', (how: string, log: string) => [
    `command ${how} (log: ${log})`,
    `read its log (${log}), then run the command by hand in the pitfile's folder to see why`,
  ]),
  PIT_E_REACTION_RUN_TIMEOUT: make('PIT_E_REACTION_RUN_TIMEOUT', (timeoutMs: number, log: string) => [
    `command did not finish within ${timeoutMs}ms and was stopped (log: ${log})`,
    "make it finish sooner, or raise the run action's timeout (run: { command: ..., timeout: 10m })",
  ]),
  PIT_E_REACTION_RUN_START: make('PIT_E_REACTION_RUN_START', (command: string, reason: string) => [
    `cannot start ${command}: ${reason}`,
    'the reason is the system\'s (EAGAIN: too many processes, ENOMEM: too little memory): free what it names, then run the command by hand to check it starts',
  ]),
  PIT_E_REACTION_NOTIFY: make('PIT_E_REACTION_NOTIFY', (url: string, attempts: number, last: string) => [
    `POST ${url} failed after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${last}`,
    'check that the address answers a POST with 2xx (curl -X POST URL); for a slow one raise settings.notify.timeout or retries',
  ]),
  PIT_E_REACTION_NOTIFY_REDIRECT: make('PIT_E_REACTION_NOTIFY_REDIRECT', (url: string, status: number, location: string) => [
    `POST ${url} answered ${status}, a redirect to ${location}: notify does not follow redirects`,
    'put the final address in the pitfile',
  ]),
  PIT_E_REACTION_EMIT: make('PIT_E_REACTION_EMIT', (name: string, why: string) => [
    `cannot emit "${name}": ${why}`,
    'emit a name kind:subject:what, without *, that is not one of Pit\'s own events (e.g. deploy:api:done)',
  ]),
  PIT_E_REACTION_ACTION: make('PIT_E_REACTION_ACTION', (action: string, why: string) => [
    `${action} failed: ${why}`,
    'this is a bug in Pit: report it with the reaction and this line (engine events --type "reaction:*")',
  ]),
} as const;

export type PitErrorCode = keyof typeof errors;

/** The text a person reads: location, code, message, code frame, fix. */
export function formatPitError(e: PitError, cwd = process.cwd()): string {
  const w = e.where;
  const place = w ? `${displayPath(w.file, cwd)}:${w.line}:${w.column}: ` : '';
  const path = w?.path ? `${w.path} ` : '';
  const lines = [`${place}${path}${e.message} [${e.code}]`];
  if (e.frame) lines.push(e.frame);
  if (e.fix) lines.push(`  fix: ${e.fix}`);
  return lines.join('\n');
}

/** A warning, as formatPitError writes an error, marked "warning:" after its place. */
export function formatPitWarning(e: PitError, cwd = process.cwd()): string {
  const w = e.where;
  const place = w ? `${displayPath(w.file, cwd)}:${w.line}:${w.column}: ` : '';
  return formatPitError(e, cwd).replace(place, `${place}warning: `);
}

/** A path as short as it can be read from `cwd`. */
export function displayPath(file: string, cwd = process.cwd()): string {
  const rel = relative(cwd, file);
  return rel && !rel.startsWith('..') && rel.length < file.length ? rel : file;
}

/** Raised when the pitfile holds one or more errors; all are reported at once. */
export class PitfileError extends Error {
  constructor(
    readonly errors: PitError[],
    /** What may not work either, found on the way (engine validate shows them too). */
    readonly warnings: PitError[] = [],
  ) {
    super(errors.map((e) => formatPitError(e)).join('\n\n'));
    this.name = 'PitfileError';
  }
}
