// Where tests find the repository's files: tests run from dist/test, while
// fixtures stay in test/fixtures and the schema in schemas/.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The repository root (three levels above dist/test/helpers). */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** A file under test/fixtures. */
export const fixture = (...parts: string[]) => join(repoRoot, 'test', 'fixtures', ...parts);

