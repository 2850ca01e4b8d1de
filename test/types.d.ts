// Types for test-only libraries that ship none.
declare module 'parse-prometheus-text-format' {
  /** Metric families of a Prometheus text exposition. */
  export default function parse(text: string): { name: string; help: string; type: string; metrics: { labels?: Record<string, string>; value?: string }[] }[];
}
