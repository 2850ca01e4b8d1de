// Load a pitfile text and return its errors as plain data, for assertions
// on code, line, column and path.
import { loadPitfile } from '../../core/config/load.js';
import { PitfileError } from '../../core/errors.js';
import { makeProject } from './project.js';

export interface ErrorData {
  code: string;
  line: number | null;
  column: number | null;
  path: string | null;
  message: string;
}

/** The errors loading `text` as pitfile.yaml gives, as engine run loads it (plugins checked); [] when it is valid. */
export async function pitfileErrors(text: string | Buffer, env: NodeJS.ProcessEnv = {}): Promise<ErrorData[]> {
  const dir = makeProject({ 'pitfile.yaml': text });
  try {
    await loadPitfile({ cwd: dir, env, plugins: true });
    return [];
  } catch (e) {
    if (!(e instanceof PitfileError)) throw e;
    return e.errors.map((x) => {
      const j = x.toJSON();
      return { code: j.code, line: j.line, column: j.column, path: j.path, message: j.message };
    });
  }
}
