// The argv that installs one distribution into an environment with that
// environment's own tool. An argv, never a shell line: the distribution
// has been checked against PEP 508 and is one word whatever it holds.
//
// The index rule (docs/pitfile.md, installer.index_url): none of the
// machine's pip configuration applies — --isolated drops PIP_* variables
// and the user's pip.conf, PIP_CONFIG_FILE=/dev/null (set by run.ts) drops
// the global and the environment's own pip.conf, which --isolated keeps.
// The index comes from the pitfile alone (PyPI when unset) and reaches pip
// through an options file in the install's private folder, so a token in
// its URL is never on a command line.
import { errors } from '../../core/index.js';
import type { PythonEnvironment } from './environment.js';

/** Stands in the argv for the options file run.ts writes (`-r <file>`): its path exists only while the install runs. */
export const INDEX_OPTIONS = '{index-options}';

export const PYPI = 'https://pypi.org/simple/';

export interface CommandOptions {
  indexUrl: string | null;
  extraIndexUrls: string[];
  /** auto / true: poetry add / uv add in a Poetry or uv project; false: install into the environment only. */
  editProject: boolean | 'auto';
}

export interface InstallCommand {
  argv: string[];
  /** The project a tool works on (poetry -C, uv --project); the command itself runs in a private empty folder. */
  project: string | null;
  /** Whether the command records the dependency in the project itself (poetry add, uv add). */
  editsProject: boolean;
}

/** Why an index cannot be given to this backend, or null. */
export function indexRefusal(env: PythonEnvironment, o: CommandOptions): string | null {
  if (!o.indexUrl && !o.extraIndexUrls.length) return null;
  const e = env.backend === 'conda' ? errors.PIT_E_INSTALL_INDEX_BACKEND('conda') : env.backend === 'poetry' && edits(o) && env.project ? errors.PIT_E_INSTALL_INDEX_BACKEND('poetry add') : null;
  return e && `${e.code} ${e.message}; fix: ${e.fix}`;
}

const edits = (o: CommandOptions) => o.editProject !== false;

export function installCommand(env: PythonEnvironment, requirement: string, o: CommandOptions): InstallCommand {
  // --isolated: no PIP_* variable or user pip.conf changes what is installed; see the index rule above.
  const pip = ['install', '--isolated', '--disable-pip-version-check', '--no-input', '-r', INDEX_OPTIONS, '--', requirement];
  switch (env.backend) {
    case 'pip':
      return { argv: [env.python, '-m', 'pip', ...pip], project: null, editsProject: false };
    case 'conda':
      return { argv: ['conda', 'install', '--yes', '--prefix', env.prefix, '--', requirement], project: null, editsProject: false };
    case 'poetry':
      return edits(o) && env.project
        ? { argv: ['poetry', '-C', env.project, 'add', '--no-interaction', requirement], project: env.project, editsProject: true }
        : { argv: ['poetry', ...(env.project ? ['-C', env.project] : []), 'run', 'python', '-m', 'pip', ...pip], project: env.project, editsProject: false };
    case 'uv':
      // The index reaches uv through UV_DEFAULT_INDEX / UV_INDEX (run.ts), never argv.
      return edits(o) && env.project
        ? { argv: ['uv', 'add', '--project', env.project, '--', requirement], project: env.project, editsProject: true }
        : { argv: ['uv', 'pip', 'install', '--python', env.python, '--', requirement], project: env.project, editsProject: false };
  }
}

/** The pip options file's text: the one index, then the extra ones. */
export function pipIndexOptions(o: Pick<CommandOptions, 'indexUrl' | 'extraIndexUrls'>): string {
  return [`--index-url ${o.indexUrl ?? PYPI}`, ...o.extraIndexUrls.map((u) => `--extra-index-url ${u}`)].join('\n') + '\n';
}

/** Variables that give uv the index. */
export function uvIndexEnv(o: Pick<CommandOptions, 'indexUrl' | 'extraIndexUrls'>): Record<string, string> {
  return { ...(o.indexUrl ? { UV_DEFAULT_INDEX: o.indexUrl } : {}), ...(o.extraIndexUrls.length ? { UV_INDEX: o.extraIndexUrls.join(' ') } : {}) };
}
