// An event's fields as a person reads them: numbers rounded and given
// their unit (`cpu 0.2 %`, `rss 34.3 MiB`, `uptime 5.0 s`), fields with no
// value left out. `--json` and the API keep the exact values. Pure: the
// dashboard bundles it.

/** Fields that are the line's own name, time or subject, or its links (for engine why and --json), not part of its description. */
const OWN = new Set(['name', 'type', 'subject', 'at', 'process', 'id', 'cause', 'reason']);
/** Flags worth a word only when set (an exit the engine caused), like a null left out. */
const FLAGS = new Set(['caused_by_engine']);

type Fields = Record<string, unknown>;

/** "exit_code=1 uptime 5.0 s" for an event on the wire (its payload, or a custom event's data). */
export function describeEvent(e: Fields): string {
  const data = e.type === 'custom:event' && e.data && typeof e.data === 'object' ? (e.data as Fields) : e;
  const fields = Object.entries(data)
    .filter(([k, v]) => !OWN.has(k) && v !== null && v !== undefined && !(FLAGS.has(k) && v === false))
    .map(([k, v]) => describeField(k, v, data));
  // Why it happened, as engine run says it: last.
  if (typeof e.reason === 'string' && e.reason) fields.push(`reason=${JSON.stringify(e.reason)}`);
  return fields.join(' ');
}

function describeField(key: string, value: unknown, all: Fields): string {
  if (typeof value === 'number' && Number.isFinite(value)) {
    const unit = unitOf(key, all);
    const base = key.replace(/_(percent|bytes|ms)$/, '');
    if (unit === 'percent') return `${base} ${round(value, 1)} %`;
    if (unit === 'bytes') return `${base} ${formatBytes(value)}`;
    if (unit === 'ms') return `${base} ${formatMs(value)}`;
    return `${key}=${Number.isInteger(value) ? value : round(value, 2)}`;
  }
  if (typeof value === 'string') return `${key}=${/[\s"=]/.test(value) || value === '' ? JSON.stringify(value) : value}`;
  return `${key}=${JSON.stringify(value)}`;
}

/** The unit a field's name says, or a limit event's value and limit by its kind (memory, cpu). */
function unitOf(key: string, all: Fields): 'percent' | 'bytes' | 'ms' | null {
  const suffix = /_(percent|bytes|ms)$/.exec(key)?.[1];
  if (suffix) return suffix as 'percent' | 'bytes' | 'ms';
  if (key === 'value' || key === 'limit') return all.kind === 'memory' ? 'bytes' : all.kind === 'cpu' ? 'percent' : null;
  return null;
}

const round = (n: number, digits: number) => Number(n.toFixed(digits));

/** 512 B, 3.4 KiB, 34.3 MiB, 1.25 GiB */
export function formatBytes(n: number): string {
  if (Math.abs(n) < 1024) return `${n} B`;
  if (Math.abs(n) < 1024 ** 2) return `${round(n / 1024, 1)} KiB`;
  if (Math.abs(n) < 1024 ** 3) return `${round(n / 1024 ** 2, 1)} MiB`;
  return `${round(n / 1024 ** 3, 2)} GiB`;
}

/** 250 ms, 5.0 s, 12 min, 3.5 h */
export function formatMs(n: number): string {
  if (Math.abs(n) < 1000) return `${Math.round(n)} ms`;
  if (Math.abs(n) < 120_000) return `${(n / 1000).toFixed(1)} s`;
  if (Math.abs(n) < 7_200_000) return `${Math.round(n / 60_000)} min`;
  return `${(n / 3_600_000).toFixed(1)} h`;
}
