// engine import's work: read the file, know its format, build the draft
// with that format's importer, and write it out as a commented pitfile.
import { readFileSync } from 'node:fs';
import { errors, PitError } from '../errors.js';
import { detectFormat } from './detect.js';
import { Draft, type Format, type ImportOptions } from './draft.js';
import { writePitfile } from './writer.js';
import { loadEcosystem } from './pm2-load.js';
import { importPm2 } from './pm2.js';
import { importProcfile } from './procfile.js';
import { importSupervisord } from './supervisord.js';
import { importCompose } from './compose.js';
import { importProcessCompose } from './process-compose.js';

export interface ImportResult {
  format: Format;
  /** The pitfile text. */
  text: string;
  /** One line per thing that did not map or changed. */
  report: string[];
  processes: string[];
}

/** The default time a JS ecosystem file may take to load. */
export const DEFAULT_EVAL_TIMEOUT_MS = 5000;

export async function importFile(opts: ImportOptions & { from?: Format }): Promise<ImportResult> {
  let text: string;
  try {
    text = readFileSync(opts.file, 'utf8');
  } catch (e) {
    throw errors.PIT_E_CONFIG_READ(opts.file, (e as NodeJS.ErrnoException).code ?? (e as Error).message);
  }
  const format = opts.from ?? detectFormat(opts.file, text);
  if (!format) throw errors.PIT_E_IMPORT_FORMAT(opts.file);
  const draft = new Draft(format, opts);
  try {
    await build(draft, text);
  } catch (e) {
    if (e instanceof PitError) throw e;
    throw errors.PIT_E_IMPORT_PARSE(opts.file, format, (e as Error).message);
  }
  if (!draft.processes.size && !draft.report.length) throw errors.PIT_E_IMPORT_EMPTY(opts.file, format);
  draft.finish();
  return { format, text: writePitfile(draft), report: draft.report, processes: [...draft.processes.keys()] };
}

/** The format's importer; only a JS ecosystem file runs anything (in a child: pm2-load.ts). */
async function build(draft: Draft, text: string): Promise<void> {
  switch (draft.format) {
    case 'pm2':
      return importPm2(draft, await loadEcosystem(draft.opts.file, text, draft.opts.timeoutMs ?? DEFAULT_EVAL_TIMEOUT_MS));
    case 'procfile':
      return importProcfile(draft, text);
    case 'supervisord':
      return importSupervisord(draft, text);
    case 'compose':
      return importCompose(draft, text);
    case 'process-compose':
      return importProcessCompose(draft, text);
  }
}
