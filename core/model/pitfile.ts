// The resolved pitfile: what the loader hands the engine. Every default is
// applied, durations are in ms, sizes in bytes, paths absolute; nothing
// downstream reads YAML. schemas/pitfile.schema.json describes the file as
// written; these types describe it as resolved.

export type RestartPolicy = 'always' | 'on-failure' | 'never';
export type DependencyCondition = 'started' | 'healthy' | 'completed';
export type LimitAction = 'restart' | 'stop' | 'none';
export type FileEventKind = 'add' | 'change' | 'unlink';
export type RunConcurrency = 'queue' | 'drop' | 'replace';

export interface RestartConfig {
  policy: RestartPolicy;
  delayMs: number;
  maxDelayMs: number;
  /** Up this long, the process counts as healthy again and the delay resets. */
  minUptimeMs: number;
  maxRestarts: number;
  windowMs: number;
  onUnhealthy: boolean;
}

/** The signals a pitfile may stop a process with (schemas/pitfile.schema.json, stop.signal). */
export const STOP_SIGNALS: readonly string[] = ['SIGTERM', 'SIGINT', 'SIGQUIT', 'SIGHUP', 'SIGKILL', 'SIGUSR1', 'SIGUSR2'];

export interface StopConfig {
  signal: NodeJS.Signals;
  timeoutMs: number;
}

export interface LimitsConfig {
  memoryBytes: number | null;
  /** Percent of one core; 150 means one and a half cores. */
  cpuPercent: number | null;
  forMs: number;
  action: LimitAction;
}

export type HealthCheck =
  | { kind: 'http'; url: string }
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'exec'; command: string | string[] }
  | { kind: 'file'; path: string; maxAgeMs: number }
  /** An RE2 pattern tested against each output line until one matches. */
  | { kind: 'log'; pattern: string };

/** The checks that are probed on a timer (all but log). */
export type PolledCheck = Exclude<HealthCheck, { kind: 'log' }>;

export interface HealthConfig {
  check: HealthCheck;
  intervalMs: number;
  timeoutMs: number;
  failures: number;
  /** Failures this soon after a start do not count, until the first pass (Compose). */
  startPeriodMs: number;
  /** Restart when unhealthy (liveness); false only reports it (readiness). */
  restart: boolean;
  startup: StartupConfig | null;
}

/** Kubernetes' startupProbe: health failures do not count until it passes. */
export interface StartupConfig {
  /** Its own check; null: the health check's first pass ends the startup. */
  check: HealthCheck | null;
  intervalMs: number;
  timeoutMs: number;
  /** The budget: not started by then, the process is reported unhealthy. */
  withinMs: number;
  /** Past the budget, restart it instead of only reporting. */
  restart: boolean;
}

export interface LogsConfig {
  maxBytes: number;
  keep: number;
}

export interface ProcessConfig {
  name: string;
  /** A string runs through /bin/sh -c; a list runs directly. */
  command: string | string[];
  cwd: string;
  env: Record<string, string>;
  /** Absolute paths, read at each start, later files win. */
  envFiles: string[];
  autostart: boolean;
  /** Runs only when one of these is active (engine run --profile); empty: always. */
  profiles: string[];
  dependsOn: Record<string, DependencyCondition>;
  restart: RestartConfig;
  stop: StopConfig;
  limits: LimitsConfig | null;
  health: HealthConfig | null;
  logs: LogsConfig;
  /** Set on each copy of a process with `replicas` (api.2 is { group: 'api', index: 2 }); null otherwise. */
  replica: { group: string; index: number } | null;
}

/**
 * A process with `replicas`: its copies are processes of their own
 * (NAME.1 … NAME.count); the group keeps what a running engine needs to
 * add more (engine scale) and what the pitfile said.
 */
export interface ReplicaGroup {
  name: string;
  /** Replicas in force: the pitfile's, or what engine scale set since. */
  count: number;
  /** The pitfile's `replicas`. */
  written: number;
  /** The process as written, named after the group, without the per-replica env. */
  template: ProcessConfig;
  /** replica_env: replica N gets base + (N - 1) * step. */
  replicaEnv: Record<string, { base: number; step: number }>;
}

export interface FileWatcherConfig {
  kind: 'file';
  name: string;
  /** Globs, relative to `root`. */
  paths: string[];
  ignore: string[];
  root: string;
  events: FileEventKind[];
  debounceMs: number;
}

export interface CronWatcherConfig {
  kind: 'cron';
  name: string;
  cron: string;
  timezone: string | null;
}

export type WatcherConfig = FileWatcherConfig | CronWatcherConfig;

export interface ReactionCondition {
  exitCode: number[] | null;
  signal: string[] | null;
  state: string[] | null;
  /** Tested against the event's line; groups become ${match.N}. */
  match: string | null;
}

/** One step of a reaction's `do`: the action's name and its argument as written. */
export interface ActionCall {
  action: string;
  args: unknown;
}

export interface ReactionConfig {
  id: string;
  on: string;
  if: ReactionCondition | null;
  do: ActionCall[];
  debounceMs: number | null;
  throttle: { max: number; windowMs: number } | null;
}

export interface HeartbeatConfig {
  file: string;
  intervalMs: number;
}

export interface PluginRef {
  /** A path (absolute once resolved) or a package name. */
  use: string;
  options: Record<string, unknown>;
}

export interface ListenConfig {
  host: string;
  port: number;
}

/** How much of the event journal is kept. */
export interface JournalRetention {
  ageMs: number;
  rows: number;
  /** settings.journal.stats: one process:<name>:stats row per process this often; null keeps none. */
  statsEveryMs?: number | null;
}

export interface SettingsConfig {
  stateDir: string;
  shutdownTimeoutMs: number;
  /** How often process-monitor samples CPU and memory. */
  monitorIntervalMs: number;
  dashboard: ListenConfig | null;
  metrics: ListenConfig | null;
  journal: JournalRetention;
  /** engine service install's limits for the whole tree. */
  service: { memoryBytes: number | null; cpuPercent: number | null };
  notify: { timeoutMs: number; retries: number };
}

export interface Pitfile {
  version: 1;
  /** The file the config came from, and the layer files merged over it. */
  file: string;
  layers: string[];
  /** The directory every relative path resolves from. */
  root: string;
  /** Every process the engine supervises: a replicated one as its copies (api.1, api.2, …). */
  processes: Record<string, ProcessConfig>;
  /** Processes with `replicas`, by the name written in the pitfile. */
  replicas: Record<string, ReplicaGroup>;
  watchers: Record<string, WatcherConfig>;
  reactions: ReactionConfig[];
  /**
   * The top-level sections a built-in plugin owns (installer:), by key: as
   * written, with their schema's defaults. Each plugin reads its own.
   */
  sections: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  heartbeat: HeartbeatConfig | null;
  plugins: PluginRef[];
  export: { image: string | null; images: Record<string, string>; ports: Record<string, number[]> };
  settings: SettingsConfig;
}
