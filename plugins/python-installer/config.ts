// The pitfile's installer: section, which this plugin owns: its schema
// (section.schema.json, which the build writes into
// schemas/pitfile.schema.json) and the settings read from it. The engine
// checks the section and fills its defaults; it reads none of it.
import { readFileSync } from 'node:fs';
import { parseDuration, type InstallBackend, type Pitfile } from '../../core/index.js';

export type InstallerBackend = 'auto' | InstallBackend;

export interface InstallerConfig {
  backend: InstallerBackend;
  mode: 'auto' | 'ask' | 'dry-run';
  /** Import name → distribution, over the bundled table. */
  aliases: Record<string, string>;
  allow: string[];
  deny: string[];
  maxAttempts: number;
  /** auto (or true): record the heal in the project's dependency file where it has one; false: never edit. */
  editProject: boolean | 'auto';
  /** Install into an interpreter that is not a virtual environment (the system's or pyenv's own). */
  system: boolean;
  indexUrl: string | null;
  extraIndexUrls: string[];
  timeoutMs: number;
}

export const installerSection = {
  key: 'installer',
  schema: JSON.parse(readFileSync(new URL('../../../plugins/python-installer/section.schema.json', import.meta.url), 'utf8')) as Record<string, unknown>,
};

/** The section as the engine hands it over: checked against the schema, its defaults filled. */
interface Written {
  backend: InstallerBackend;
  mode: InstallerConfig['mode'];
  aliases: Record<string, string>;
  allow: string[];
  deny: string[];
  max_attempts: number;
  edit_project: boolean | 'auto';
  system: boolean;
  index_url?: string;
  extra_index_url: string[];
  timeout: string;
}

/** The installer settings of `pitfile`. */
export function installerConfig(pitfile: Pitfile): InstallerConfig {
  const w = pitfile.sections[installerSection.key] as unknown as Written;
  return {
    backend: w.backend,
    mode: w.mode,
    aliases: w.aliases,
    allow: w.allow,
    deny: w.deny,
    maxAttempts: w.max_attempts,
    editProject: w.edit_project,
    system: w.system,
    indexUrl: w.index_url ?? null,
    extraIndexUrls: w.extra_index_url,
    timeoutMs: parseDuration(w.timeout)!,
  };
}
