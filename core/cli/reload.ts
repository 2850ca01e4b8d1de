// engine reload: re-read the pitfile now (the engine also does on save).
import type { Command } from 'commander';
import { PitError, formatPitError, type PitErrorCode, type Where } from '../errors.js';
import { clientAction } from './engine-client.js';
import { exitCodes } from './output.js';

interface Problem {
  code: string;
  file: string | null;
  line: number | null;
  column: number | null;
  path: string | null;
  message: string;
  fix: string | null;
}

export function registerReload(program: Command): void {
  program
    .command('reload')
    .summary('apply the saved pitfile now; an invalid one is refused and the running config kept')
    .addHelpText('after', `
Exit codes: 0 applied, 1 refused (every problem is printed), 3 no engine running.

Example:
  engine reload`)
    .action(
      clientAction(async ({ client }) => {
        try {
          const diff = await client.call<{ added: string[]; removed: string[]; changed: string[]; restart_needed?: string[] }>('POST', '/v1/reload', { via: 'cli' });
          const parts = [...diff.added.map((n) => `+${n}`), ...diff.removed.map((n) => `-${n}`), ...diff.changed.map((n) => `~${n}`)];
          process.stdout.write(`reloaded${parts.length ? `: ${parts.join(' ')}` : ' (no process changed)'}\n`);
          const { restartNote } = await import('../config/restart-settings.js');
          for (const path of diff.restart_needed ?? []) process.stdout.write(`${restartNote(path)}\n`);
          return exitCodes.ok;
        } catch (e) {
          const { ApiError } = await import('../control/client.js');
          const problems = e instanceof ApiError ? (e.body.errors as Problem[] | undefined) : undefined;
          if (!problems) throw e;
          for (const p of problems) {
            const where: Where | undefined = p.file ? { file: p.file, line: p.line ?? 0, column: p.column ?? 0, path: p.path ?? undefined } : undefined;
            process.stderr.write(formatPitError(new PitError(p.code as PitErrorCode, p.message, p.fix ?? undefined, where)) + '\n');
          }
          process.stderr.write('not reloaded; the engine keeps its running config\n');
          return exitCodes.failed;
        }
      }),
    );
}
