// Durations and sizes as a pitfile writes them ("1500ms", "30s", "500MB"),
// from the numbers other tools use (milliseconds, seconds, bytes, "500M").
import { STOP_SIGNALS } from '../model/pitfile.js';

const durationUnits: [string, number][] = [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]];

/** The largest unit that divides `ms` exactly, so the value reads as written ("15s", not "15000ms"). */
export function formatDuration(ms: number): string {
  const whole = Math.max(0, Math.round(ms));
  for (const [unit, size] of durationUnits) if (whole >= size && whole % size === 0) return `${whole / size}${unit}`;
  return `${whole}ms`;
}

/** A Go/Compose duration ("1m30s", "500ms", "10s", "2h") in ms; null when it is not one. */
export function parseGoDuration(text: string): number | null {
  const t = String(text).trim();
  if (!/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(t)) return null;
  const scale: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let ms = 0;
  for (const m of t.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) ms += Number(m[1]) * scale[m[2]];
  return ms;
}

const sizeUnits: [string, number][] = [['TB', 1024 ** 4], ['GB', 1024 ** 3], ['MB', 1024 ** 2], ['KB', 1024]];

/** Bytes as the largest unit that divides them exactly. */
export function formatSize(bytes: number): string {
  const whole = Math.max(0, Math.round(bytes));
  for (const [unit, size] of sizeUnits) if (whole >= size && whole % size === 0) return `${whole / size}${unit}`;
  return `${whole}B`;
}

/**
 * A size in the forms PM2, supervisord and Compose accept: a number of
 * bytes, or a number and K/M/G/T with an optional B (any case), in powers of
 * 1024 as all three count. Null when it is none of them.
 */
export function parseSize(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?\s*$/i.exec(String(value));
  if (!m) return null;
  const power = { '': 0, k: 1, m: 2, g: 3, t: 4 }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g' | 't'];
  return Number(m[1]) * 1024 ** power;
}

/** A signal as the pitfile names it (SIGTERM), from "TERM", "SIGTERM", 15 or "15"; null when Pit cannot send it. */
export function pitSignal(value: unknown): string | null {
  const numbers: Record<string, string> = { 1: 'SIGHUP', 2: 'SIGINT', 3: 'SIGQUIT', 9: 'SIGKILL', 10: 'SIGUSR1', 12: 'SIGUSR2', 15: 'SIGTERM' };
  const s = String(value).trim().toUpperCase();
  const name = numbers[s] ?? (s.startsWith('SIG') ? s : `SIG${s}`);
  return STOP_SIGNALS.includes(name) ? name : null;
}
