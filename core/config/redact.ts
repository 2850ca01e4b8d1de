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

/** The resolved pitfile as it may be shown: index URLs without their credentials. */
export function redactPitfile(p: Pitfile): Pitfile {
  const i = p.installer;
  return { ...p, installer: { ...i, indexUrl: i.indexUrl && redactUrl(i.indexUrl), extraIndexUrls: i.extraIndexUrls.map(redactUrl) } };
}
