// The one way a time is shown to a person: local time, to the millisecond,
// "2026-12-03 14:03:07.123" (engine logs -t, engine events, the engine's
// notes); and the one way it is given to a script: ISO 8601 in local time
// with its offset, "2026-12-03T14:03:07.123+01:00" (--json). Local, because
// a person compares it with their clock; with the offset for scripts, so
// the instant is exact wherever it is read.

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function parts(ms: number) {
  const d = new Date(ms);
  return {
    date: `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`,
    time: `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`,
    offsetMin: -d.getTimezoneOffset(),
  };
}

/** "2026-12-03 14:03:07.123", local time. */
export function formatTime(ms: number): string {
  const p = parts(ms);
  return `${p.date} ${p.time}`;
}

/** "2026-12-03T14:03:07.123+01:00", local time with its offset (never "Z"). */
export function formatTimeIso(ms: number): string {
  const p = parts(ms);
  const sign = p.offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(p.offsetMin);
  return `${p.date}T${p.time}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}
