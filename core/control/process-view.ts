// What a person (engine status, the dashboard) sees of each process: its
// supervisor's state plus CPU, memory and heals, which no supervisor keeps.
import type { EventBus } from '../events/bus.js';
import type { ProcessState } from '../events/catalog.js';
import type { Supervisor } from '../supervisor/supervisor.js';
import { cpuPercent, readGroupUsage } from '../process/group-usage.js';
import type { ReplicaGroup } from '../model/pitfile.js';

export interface Heal {
  at: number;
  module: string | null;
  distribution: string | null;
  environment: string | null;
}

export interface ProcessView {
  name: string;
  state: ProcessState;
  /** While waiting: what for ("api: healthy"); else null. */
  waiting_for: string | null;
  /** Never started since the engine began: why ("not selected: engine run api", "profile dev not active", "autostart: false"); else null. */
  not_started: string | null;
  pid: number | null;
  /** Seconds since it last started; null while not running. */
  uptime_s: number | null;
  restarts: number;
  healthy: boolean | null;
  /** % of one core since the previous look (or since it started). */
  cpu: number | null;
  memory_bytes: number | null;
  heals: number;
  last_heal: Heal | null;
  last_exit: { code: number | null; signal: string | null } | null;
  /** A copy of a process with replicas: its group, its number, the count in force and the pitfile's (they differ after engine scale). */
  replica?: { group: string; index: number; count: number; pitfile: number } | null;
}

/** Install reports for the same process and distribution this close together are one heal. */
const HEAL_DEDUP_MS = 10_000;

/** Builds process views; keeps what a single look cannot know (CPU deltas, heals). */
export class ProcessViews {
  readonly #cpu = new Map<number, { ticks: number; atMs: number }>();
  readonly #heals = new Map<string, { count: number; last: Heal }>();
  readonly #off: () => void;

  constructor(
    private readonly supervisors: () => Iterable<Supervisor>,
    bus: EventBus,
    private readonly notStartedWhy: (name: string) => string | null = () => null,
    private readonly replicas: () => Record<string, ReplicaGroup> = () => ({}),
  ) {
    // The installer reports each install as process:<name>:install; a heal is one that worked.
    this.#off = bus.on('process:*:install', (e) => {
      if (e.outcome !== 'installed') return;
      const name = e.process;
      const last = { at: e.at, module: e.module, distribution: e.distribution, environment: e.environment };
      const prev = this.#heals.get(name);
      // One failure can be answered twice (its own request and one that ran meanwhile): one heal.
      const again = prev && prev.last.distribution === last.distribution && last.at - prev.last.at < HEAL_DEDUP_MS;
      this.#heals.set(name, { count: (prev?.count ?? 0) + (again ? 0 : 1), last: again ? prev.last : last });
    });
  }

  close(): void {
    this.#off();
  }

  /** Every process, in pitfile order. */
  all(): ProcessView[] {
    const sups = [...this.supervisors()];
    const live = new Set(sups.flatMap((s) => (s.pid && isRunning(s.state) ? [s.pid] : [])));
    const usage = readGroupUsage(live);
    for (const pgid of this.#cpu.keys()) if (!live.has(pgid)) this.#cpu.delete(pgid);
    const now = Date.now();
    return sups.map((s) => {
      const running = Boolean(s.pid && isRunning(s.state));
      const u = running ? usage.get(s.pid!) : undefined;
      const heal = this.#heals.get(s.name);
      return {
        name: s.name,
        state: s.state,
        waiting_for: s.state === 'waiting' ? s.waitingFor : null,
        not_started: s.state === 'stopped' ? this.notStartedWhy(s.name) : null,
        pid: running ? s.pid : null,
        uptime_s: running && s.startedAt ? Math.round((now - s.startedAt) / 1000) : null,
        restarts: s.restarts,
        healthy: s.cfg.health ? s.healthy : null,
        cpu: u ? this.#cpuPercent(s.pid!, u.cpuTicks, s.startedAt ?? now, now) : null,
        memory_bytes: u ? u.rssBytes : null,
        heals: heal?.count ?? 0,
        last_heal: heal?.last ?? null,
        last_exit: s.lastExit ? { code: s.lastExit.code, signal: s.lastExit.signal } : null,
        replica: this.#replicaOf(s),
      };
    });
  }

  #replicaOf(s: Supervisor): ProcessView['replica'] {
    const r = s.cfg.replica;
    const g = r && this.replicas()[r.group];
    return r && g ? { group: r.group, index: r.index, count: g.count, pitfile: g.written } : null;
  }

  #cpuPercent(pgid: number, ticks: number, startedAt: number, now: number): number {
    const prev = this.#cpu.get(pgid) ?? { ticks: 0, atMs: startedAt };
    const look = { ticks, atMs: now };
    this.#cpu.set(pgid, look);
    return Math.round(cpuPercent(prev, look) * 10) / 10;
  }
}

const isRunning = (s: ProcessState) => s === 'running' || s === 'starting' || s === 'stopping';
