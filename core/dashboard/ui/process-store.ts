// What the page knows of the processes, shared by every view: the list the
// engine pushes every 2 s, the last 30 CPU and memory samples of each (for
// sparklines), and the last state change of each with its cause ("restarted:
// src/app.py changed"), read from the journal and then kept live.
import type { ProcessView } from '../../control/process-view.js';
import { api, subscribe } from './session.js';

/** A state change as the journal and the stream give it. */
export interface StateChange {
  name: string;
  at: number;
  from: string;
  to: string;
  reason: string | null;
}

const SAMPLES = 30;

let list: ProcessView[] | null = null;
const samples = new Map<string, { cpu: number[]; mem: number[] }>();
const changes = new Map<string, StateChange>();
const listeners = new Set<() => void>();

export const store = {
  /** The processes in pitfile order; null until the engine first answered. */
  get processes(): ProcessView[] | null {
    return list;
  },
  samples: (name: string) => samples.get(name) ?? { cpu: [], mem: [] },
  lastChange: (name: string) => changes.get(name) ?? null,
  onChange(fn: () => void): () => void {
    listeners.add(fn);
    return () => listeners.delete(fn);
  },
};

const notify = () => listeners.forEach((fn) => fn());

function take(processes: ProcessView[], sample: boolean): void {
  list = processes;
  if (sample) {
    for (const p of processes) {
      const s = samples.get(p.name) ?? { cpu: [], mem: [] };
      s.cpu = [...s.cpu, p.cpu ?? 0].slice(-SAMPLES);
      s.mem = [...s.mem, p.memory_bytes ?? 0].slice(-SAMPLES);
      samples.set(p.name, s);
    }
  }
  notify();
}

/** The last change of each process, from the journal (what happened before this page opened). */
async function loadChanges(): Promise<void> {
  const { json } = await api('GET', '/v1/events?type=process:*:state&limit=500');
  for (const e of (json.events ?? []) as StateChange[]) keep(e);
  notify();
}

function keep(e: StateChange & { process?: string }): void {
  const name = e.process ?? e.name.split(':')[1];
  const prev = changes.get(name);
  if (prev && prev.at > e.at) return;
  // "running" names no reason of its own: the start or restart before it does (restart (dashboard)).
  changes.set(name, !e.reason && prev?.reason && e.to === 'running' ? { ...e, reason: prev.reason } : e);
}

/** Start following the engine; each reconnection reloads what was missed. */
export function startStore(): void {
  subscribe('/v1/processes/stream', 'processes', (data) => take(JSON.parse(data).processes, true), () => void loadChanges());
  // A state change shows at once, not at the next push.
  subscribe('/v1/events/stream?type=process:*:state', 'event', async (data) => {
    keep(JSON.parse(data));
    const { status, json } = await api('GET', '/v1/processes');
    if (status === 200) take(json.processes, false);
  });
}

/** Fetch the list now (after an action), without waiting for the next push. */
export async function refreshProcesses(): Promise<void> {
  const { status, json } = await api('GET', '/v1/processes');
  if (status === 200) take(json.processes, false);
}
