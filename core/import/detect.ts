// Which tool a file is for: by its name first (the names each tool looks
// for), then by its content, so a renamed file is still recognised.
import { basename } from 'node:path';
import { parse } from 'yaml';
import type { Format } from './draft.js';
import { looksLikeProcfile } from './procfile.js';
import { looksLikeSupervisord } from './supervisord.js';
import { looksLikeCompose } from './compose.js';
import { looksLikeProcessCompose } from './process-compose.js';
import { looksLikePm2 } from './pm2.js';

const byName: [RegExp, Format][] = [
  [/^process-compose([.-].*)?\.ya?ml$/i, 'process-compose'],
  [/^(ecosystem|pm2)([.-].*)?\.((c|m)?js|json|ya?ml)$|^process\.json$/i, 'pm2'],
  [/^Procfile(\..+)?$/, 'procfile'],
  [/^(docker-)?compose([.-].*)?\.ya?ml$/i, 'compose'],
  [/supervisor.*\.(conf|ini)$|\.ini$/i, 'supervisord'],
];

/** The format of `file`, or null when neither its name nor its content says. */
export function detectFormat(file: string, text: string): Format | null {
  return formatByName(basename(file)) ?? detectByContent(file, text);
}

/** The format a file's name says it is for, or null. */
export function formatByName(name: string): Format | null {
  return byName.find(([re]) => re.test(name))?.[1] ?? null;
}

export function detectByContent(file: string, text: string): Format | null {
  if (/\.(c|m)?js$/.test(file) && /\bapps\b/.test(text)) return 'pm2';
  if (looksLikeSupervisord(text)) return 'supervisord';
  let data: unknown = null;
  try {
    data = parse(text, { merge: true, maxAliasCount: 1000 });
  } catch {
    data = null;
  }
  if (looksLikeCompose(data)) return 'compose';
  if (looksLikeProcessCompose(data)) return 'process-compose';
  if (looksLikePm2(data)) return 'pm2';
  if (looksLikeProcfile(text)) return 'procfile';
  return null;
}
