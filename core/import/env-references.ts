// "$" in imported text. A pitfile reads ${VAR}, ${VAR:-default} and $$ when
// it is loaded (core/config/interpolate.ts); a bare $VAR is left to the shell.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Text whose "$" must reach the process as written (a PM2 value, a Procfile command): only "${" and "$$" need escaping. */
export const literalDollars = (text: string) => text.replace(/\$\$|\$\{/g, (m) => (m === '$$' ? '$$$$' : '$${'));

/**
 * Compose and process-compose expand ${VAR} and $VAR from the environment
 * when they read the file, and an unset variable becomes "" (with a
 * warning); a pitfile stops on an unset ${VAR}. So ${VAR} and $VAR become
 * ${VAR:-}, ${VAR-x} becomes ${VAR:-x}, ${VAR:?msg} becomes ${VAR} (both
 * refuse an unset one), and $$ stays a literal $. What has no pitfile form
 * (${VAR:+x}) is returned in `unmapped` and kept literal.
 */
export function loadTimeReferences(text: string): { text: string; unmapped: string[] } {
  const unmapped: string[] = [];
  const out = text.replace(/\$\$|\$\{([^}]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)|\$/g, (whole, braced: string | undefined, bare: string | undefined) => {
    if (whole === '$$') return '$$';
    if (bare !== undefined) return `\${${bare}:-}`;
    if (braced === undefined) return '$$';
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)(.*)|(:?\?)(.*))?$/s.exec(braced);
    if (!m) {
      unmapped.push(whole);
      return `$${whole}`;
    }
    const [, name, dash, fallback, question] = m;
    if (dash) return `\${${name}:-${fallback}}`;
    if (question) return `\${${name}}`;
    return `\${${name}:-}`;
  });
  return { text: out, unmapped };
}

/** Compose and process-compose fill ${VAR} from a .env beside the file too; a pitfile reads only the engine's environment. */
export function dotenvNote(text: string, sourceDir: string): string | null {
  const uses = /\$\{?[A-Za-z_]/.test(text.replace(/\$\$/g, ''));
  return uses && existsSync(join(sourceDir, '.env'))
    ? '${VAR} was also filled from the .env beside the file; Pit reads the engine\'s environment only: export them, or put them in env'
    : null;
}
