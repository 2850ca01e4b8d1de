// What a person's event list leaves out unless asked: output lines (they
// are in the logs) and periodic samples (process:<name>:stats, every few
// seconds for every process). Shared by `engine events` and the dashboard,
// so both hide the same things. Pure: the dashboard bundles it.

/** Whether the event named `name` is an output line or a periodic sample. */
export function isChatter(name: string): boolean {
  const [kind, , what] = name.split(':');
  return what === 'stdout' || what === 'stderr' || (kind === 'process' && what === 'stats');
}

/** Whether `pattern` names lines or samples itself (process:api:stderr, process:*:stats): then they are shown. */
export function asksForChatter(pattern: string): boolean {
  const what = pattern.split(':')[2];
  return what === 'stdout' || what === 'stderr' || what === 'stats';
}
