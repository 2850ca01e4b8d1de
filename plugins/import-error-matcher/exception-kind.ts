// What an exception line says about an import, by the exception's name and
// message: Python's own messages (3.x and 2.7), importlib.metadata's and
// pkg_resources', and the frameworks that wrap an ImportError in their own
// exception (Django, SQLAlchemy, transformers). Every pattern is anchored
// and has no nested repetition.
import { libraryHint, missingLibrary } from './system-library.js';

/** What kind of import failure (declared with process:import-error in the catalogue); only `missing-module` and `distribution-not-found` can be healed by installing. */
export type { ImportErrorKind } from '../../core/index.js';
import type { ImportErrorKind } from '../../core/index.js';

export const INSTALLABLE: ReadonlySet<ImportErrorKind> = new Set(['missing-module', 'distribution-not-found']);

export interface Reading {
  kind: ImportErrorKind;
  module: string | null;
  library?: string;
  distribution?: string;
  /** distribution-not-found (pkg_resources): who requires it. */
  required_by?: string;
  /** missing-plugin: the entry point looked for ("sqlalchemy.dialects:snowflake"). */
  plugin?: string;
  /** What to do instead, for what is not installable. */
  hint?: string;
  /** Lines after the exception line that belong to its message. */
  consumed?: number;
  /**
   * A framework's exception around an import error: the exception it was
   * raised from (earlier in the chain) says best what is missing.
   */
  wrapper?: boolean;
}

/** How an exception line reads, or null when it is not about an import. */
export function classify(name: string, msg: string, next: readonly string[] = []): Reading | null {
  const short = name.slice(name.lastIndexOf('.') + 1);
  if (short === 'ModuleNotFoundError' || short === 'ImportError') return importError(msg);
  if (short === 'PackageNotFoundError') return packageNotFound(msg);
  if (short === 'DistributionNotFound') return distributionNotFound(msg);
  if (short === 'ImproperlyConfigured') return djangoBackend(msg);
  if (short === 'NoSuchModuleError') return sqlalchemyPlugin(msg);
  if (short === 'RuntimeError') return lazyImport(msg, next);
  return null;
}

function importError(msg: string): Reading | null {
  let m: RegExpExecArray | null;
  // Django's manage.py: raised from the ModuleNotFoundError above it in the chain.
  if (msg.startsWith("Couldn't import Django.")) return { kind: 'missing-module', module: 'django', wrapper: true };
  if ((m = /^No module named '([^']+)'; '[^']+' is not a package$/.exec(msg))) return { kind: 'not-a-package', module: m[1] };
  if ((m = /^No module named ([\w.]+); '[^']+' is a package and cannot be directly executed$/.exec(msg))) return { kind: 'not-runnable', module: m[1] };
  if ((m = /^No module named '([^']+)'$/.exec(msg)) || (m = /^No module named ([^\s']+)$/.exec(msg))) return { kind: 'missing-module', module: m[1] };
  if ((m = /^import of (\S+) halted; None in sys\.modules$/.exec(msg))) return { kind: 'import-blocked', module: m[1] };
  if ((m = /^cannot import name '[^']+' from partially initialized module '([^']+)'/.exec(msg))) return { kind: 'circular-import', module: m[1], hint: 'a circular import in the code: move the import into the function that needs it, or split the module' };
  if ((m = /^cannot import name '[^']+'(?: from '([^']+)')?/.exec(msg))) return { kind: 'missing-name', module: m[1] ?? null, hint: 'the module is there but lacks that name: a version mismatch; pin or upgrade the package' };
  if ((m = /^Missing optional dependency '([^']+)'/.exec(msg))) return { kind: 'missing-module', module: m[1] };
  const library = missingLibrary(msg);
  if (library) return { kind: 'system-library', module: null, library, hint: libraryHint(library) };
  if ((m = /^DLL load failed(?: while importing (\w+))?/.exec(msg))) return { kind: 'system-library', module: null, library: m[1] ? `the DLL behind ${m[1]}` : 'a DLL', hint: 'a DLL the module needs is missing: install its runtime (often the Visual C++ redistributable)' };
  if (msg.includes('undefined symbol: ')) return { kind: 'abi-mismatch', module: null, hint: 'a compiled extension does not match its library or Python: reinstall or rebuild it' };
  if (msg.startsWith('attempted relative import')) return { kind: 'relative-import', module: null, hint: 'a relative import outside a package: run it as python -m package.module' };
  return null;
}

/** importlib.metadata: "No package metadata was found for foo" (3.10+), or just "foo" (3.8, 3.9). */
function packageNotFound(msg: string): Reading | null {
  const m = /^No package metadata was found for (\S+)$/.exec(msg) ?? /^'?([A-Za-z0-9][\w.-]*)'?$/.exec(msg);
  return m ? { kind: 'distribution-not-found', module: null, distribution: m[1] } : null;
}

/**
 * pkg_resources: "The 'foo>=1.0' distribution was not found and is required
 * by bar", or (before setuptools 8) just the requirement: "six>=1.6.1".
 */
function distributionNotFound(msg: string): Reading | null {
  const m = /^The '([^']+)' distribution was not found and is required by (.+)$/.exec(msg);
  const requirement = m ? m[1] : msg;
  const d = /^[A-Za-z0-9](?:[\w.-]*[A-Za-z0-9])?/.exec(requirement);
  if (!d) return null;
  // What may follow a name in a requirement: extras, a version specifier, a marker.
  const rest = requirement.slice(d[0].length);
  if (rest && !'[<>=!~ ;('.includes(rest[0])) return null;
  return { kind: 'distribution-not-found', module: null, distribution: d[0], ...(m ? { required_by: m[2] } : {}) };
}

/**
 * Django's database backends: "Error loading MySQLdb module.", "Error
 * loading psycopg2 module: No module named 'psycopg2'", "Error loading
 * psycopg2 or psycopg module". The ImportError they were raised from names
 * the cause (a missing module, or a system library); the message is a fallback.
 */
function djangoBackend(msg: string): Reading | null {
  const m = /^Error loading (\w+)(?: or \w+)? module\b[.:]? ?(.*)$/.exec(msg);
  if (!m) return null;
  const inner = m[2] ? importError(m[2]) : null;
  return { ...(inner ?? { kind: 'missing-module', module: m[1] }), wrapper: true };
}

/**
 * SQLAlchemy's "Can't load plugin: sqlalchemy.dialects:postgres": no module
 * is missing; the URL names a dialect no installed package provides.
 */
function sqlalchemyPlugin(msg: string): Reading | null {
  const m = /^Can't load plugin: ([\w.]+):([\w.]+)$/.exec(msg);
  if (!m) return null;
  const plugin = `${m[1]}:${m[2]}`;
  const hint =
    m[2] === 'postgres'
      ? 'SQLAlchemy 1.4 dropped the "postgres" name: write the URL as postgresql://'
      : `no installed package provides the SQLAlchemy dialect "${m[2]}": install the dialect package its database documents`;
  return { kind: 'missing-plugin', module: null, plugin, hint };
}

/** transformers' lazy modules: "Failed to import x because of the following error (look up to see its traceback):" and the error on the next line. */
function lazyImport(msg: string, next: readonly string[]): Reading | null {
  if (!/^Failed to import [\w.]+ because of the following error/.test(msg) || !next.length) return null;
  const inner = importError(next[0].trim());
  return inner ? { ...inner, consumed: 1 } : null;
}
