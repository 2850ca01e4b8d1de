// Finding the pitfile: cosmiconfig's search from a directory upward, used
// only to find the file; parsing is ours, so errors keep their line:column.
import { statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { errors, PitfileError } from '../errors.js';

/** The names searched in each directory, in this order. */
export const searchPlaces = [
  'pitfile.yaml',
  'pitfile.yml',
  '.pitrc',
  '.pitrc.yaml',
  '.pitrc.yml',
  '.pitrc.json',
  'package.json',
];

/** The file that holds the config, and the key inside it for package.json. */
export interface Found {
  file: string;
  prop?: string;
}

// Every loader just says "found": the file is parsed later, with locations.
// package.json counts only when it has a "pit" key.
const found = () => ({});
const packageJson = (_: string, text: string) => {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
};

/** The pitfile for `cwd`, or `explicit` when --config names one. */
export async function discoverPitfile(cwd: string, explicit?: string): Promise<Found> {
  if (explicit) {
    const file = resolve(cwd, explicit);
    return basename(file) === 'package.json' ? { file, prop: 'pit' } : { file };
  }
  // The usual case, found as cosmiconfig would find it first, without loading cosmiconfig (~30 ms).
  const here = join(resolve(cwd), searchPlaces[0]);
  if (statSync(here, { throwIfNoEntry: false })?.isFile()) return trusted({ file: here });
  const { cosmiconfig } = await import('cosmiconfig');
  const explorer = cosmiconfig('pit', {
    searchPlaces,
    searchStrategy: 'global',
    stopDir: '/',
    cache: false,
    ignoreEmptySearchPlaces: false,
    loaders: { '.yaml': found, '.yml': found, '.json': (f: string, t: string) => (basename(f) === 'package.json' ? packageJson(f, t) : found()), noExt: found },
  });
  const result = await explorer.search(cwd);
  if (!result) throw new PitfileError([errors.PIT_E_CONFIG_NOT_FOUND(cwd)]);
  return trusted(basename(result.filepath) === 'package.json' ? { file: result.filepath, prop: 'pit' } : { file: result.filepath });
}

/**
 * A pitfile names commands that Pit runs as the current user, so one that
 * the search found (and the user did not name) must be theirs: the file and
 * its folder owned by them or by root, the folder writable by no one else.
 * Else a pitfile left in /tmp or a shared parent folder would run as anyone
 * who starts Pit below it.
 */
function trusted(found: Found): Found {
  const uid = process.getuid?.();
  if (uid === undefined) return found;
  const dir = dirname(found.file);
  const [file, folder] = [statSync(found.file), statSync(dir)];
  const foreign = (s: { uid: number }) => s.uid !== uid && s.uid !== 0;
  const reason = foreign(file)
    ? `it belongs to user ${file.uid}`
    : foreign(folder)
      ? `its folder ${dir} belongs to user ${folder.uid}`
      : folder.mode & 0o002
        ? `${dir} is writable by everyone`
        : null;
  if (reason) throw new PitfileError([errors.PIT_E_CONFIG_UNTRUSTED(found.file, reason)]);
  return found;
}
