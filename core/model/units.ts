// Durations ("250ms", "5s", "10m", "1h"), sizes ("512KB", "10MB") and
// percentages ("80%") as the pitfile writes them, in the units code uses.

const durationUnits: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const sizeUnits: Record<string, number> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };

/** Milliseconds in a duration string, or null when it is not one. */
export function parseDuration(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text.trim());
  return m ? Math.round(Number(m[1]) * durationUnits[m[2]]) : null;
}

/** Bytes in a size string (KB = 1024 B, as supervisord counts), or null. */
export function parseSize(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)\s?(B|KB|MB|GB|TB)$/.exec(text.trim());
  return m ? Math.round(Number(m[1]) * sizeUnits[m[2]]) : null;
}

/** Percent of one core from 80 or "80%", or null. */
export function parsePercent(v: number | string): number | null {
  if (typeof v === 'number') return v >= 0 ? v : null;
  const m = /^(\d+(?:\.\d+)?)%$/.exec(v.trim());
  return m ? Number(m[1]) : null;
}

/** Milliseconds back into the pitfile's words: 1500 → "1.5s", 300000 → "5m". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60_000) return `${+(ms / 1000).toFixed(1)}s`;
  if (ms < 3_600_000) return `${+(ms / 60_000).toFixed(1)}m`;
  return `${+(ms / 3_600_000).toFixed(1)}h`;
}
