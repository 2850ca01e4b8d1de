// Credentials in URLs (https://user:token@pypi.example/simple) never leave
// the engine in what it shows: events, logs, the journal, GET /v1/config.
import type { Pitfile } from '../model/pitfile.js';

/** `url` with its user and password replaced by ***; unchanged when it has none or is not a URL. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@?#]*@/i, '$1***@');
}

/** Every URL in `text` (an installer's output) with its credentials replaced by ***. */
export function redactUrls(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^/@\s?#"'<>]*@/gi, '$1***@');
}

/**
 * The resolved pitfile as it may be shown: every URL in the plugins' sections
 * (installer.index_url) without its credentials. The core does not know which
 * of their settings are URLs, so it redacts any string that is one.
 */
export function redactPitfile(p: Pitfile): Pitfile {
  return { ...p, sections: redactStrings(p.sections) as Pitfile['sections'] };
}

function redactStrings(v: unknown): unknown {
  if (typeof v === 'string') return redactUrl(v);
  if (Array.isArray(v)) return v.map(redactStrings);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, redactStrings(x)]));
  return v;
}
