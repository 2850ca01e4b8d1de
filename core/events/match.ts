// Event patterns: "kind:subject:what" with * for any one segment. A shorter
// pattern matches any event that starts with its segments, so "cron:nightly"
// matches "cron:nightly:tick" and "process:*" every process event.

const segment = /^(\*|[A-Za-z0-9_.-]+)$/;

/** The pattern's segments, or why it is not a pattern. */
export function parsePattern(text: string): { segments: string[] } | { error: string } {
  const segments = text.split(':');
  if (segments.length < 2 || segments.length > 3) {
    return { error: `has ${segments.length} segment${segments.length === 1 ? '' : 's'}; expected 2 or 3 separated by ":"` };
  }
  const bad = segments.find((s) => !segment.test(s));
  if (bad !== undefined) {
    return { error: bad === '' ? 'has an empty segment' : `segment "${bad}" may hold only letters, digits, "_", "." and "-", or be *` };
  }
  return { segments };
}

/** Whether an event type matches a pattern's segments. */
export function matchesPattern(segments: readonly string[], type: string): boolean {
  return matchesParts(segments, type.split(':'));
}

/** matchesPattern for a type already split at ":" (the bus splits once per event, not once per subscriber). */
export function matchesParts(segments: readonly string[], parts: readonly string[]): boolean {
  if (parts.length < segments.length) return false;
  for (let i = 0; i < segments.length; i++) if (segments[i] !== '*' && segments[i] !== parts[i]) return false;
  return true;
}

/** Whether a name matches a glob of * and ? (process targets like "web-*"). */
export function matchesGlob(glob: string, name: string): boolean {
  const re = new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return re.test(name);
}

/** Whether a target is a glob rather than one name. */
export const isGlob = (s: string) => /[*?]/.test(s);
