// Building the page's elements: one helper for elements and one for
// sparklines. Text always goes in as text nodes, never as HTML: what a
// child prints reaches this page and is attacker-controlled.

type Attrs = Record<string, string | boolean | undefined>;

/** An element with attributes (false/undefined ones left out) and children. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...kids: (Node | string | null)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== false && v !== undefined) e.setAttribute(k, v === true ? '' : v);
  e.append(...kids.filter((k): k is Node | string => k !== null));
  return e;
}

const SVG = 'http://www.w3.org/2000/svg';

/** A 60×16 line of the last values, scaled to their maximum; its title says the range in words. */
export function spark(values: number[], label: string): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('class', 'spark');
  svg.setAttribute('width', '60');
  svg.setAttribute('height', '16');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  const max = Math.max(1e-9, ...values);
  const pts = values.map((v, i) => `${((i / Math.max(1, values.length - 1)) * 60).toFixed(1)},${(16 - (v / max) * 15).toFixed(1)}`).join(' ');
  const line = document.createElementNS(SVG, 'polyline');
  line.setAttribute('points', pts);
  svg.append(line);
  return svg;
}

/** "14:03:07", local time: what the banner and the log say. */
export function clock(at: number): string {
  const d = new Date(at);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

/** "12s", "5m", "3h" ago or of uptime. */
export function span(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)}s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)}m`;
  if (seconds < 172800) return `${Math.round(seconds / 3600)}h`;
  return `${Math.round(seconds / 86400)}d`;
}
