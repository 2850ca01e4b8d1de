// Whether to install anything for an import failure, and what: every way
// to say no comes before the one way to say yes, and each has a reason a
// person can act on.
import type { ImportErrorFinding } from '../../core/index.js';
import { distributionFor, isTableDistribution } from './import-names.js';
import { normalizeName, rankOf, supersededBy, typoOf } from './known-distributions.js';

/** What the failing process's interpreter says (see probe.ts). */
export interface EnvironmentFacts {
  /** "3.11" */
  version: string;
  /** sys.stdlib_module_names of that interpreter. */
  stdlib: ReadonlySet<string>;
  /** The top-level module importable there: its distributions, and whether it is a namespace package; null if not importable. */
  installed: { distributions: string[]; namespace: boolean } | null;
  /** A file or folder of the project with the top-level module's name, relative to the project. */
  local: string | null;
  /** Whether the interpreter runs in a virtual environment (sys.prefix != sys.base_prefix); unknown when absent. */
  venv?: boolean;
  /** Why the interpreter could not be asked (then version is "?"). */
  unanswered?: string;
}

export interface InstallPolicy {
  aliases: Record<string, string>;
  allow: string[];
  deny: string[];
}

export type SkipCode =
  | 'not-installable'
  | 'invalid-name'
  | 'no-pip'
  | 'stdlib'
  | 'stdlib-version'
  | 'local'
  | 'installed'
  | 'unknown-distribution'
  | 'denied'
  | 'not-allowed'
  | 'typo'
  | 'project'
  | 'submodule';

export type Decision =
  | {
      install: true;
      module: string | null;
      distribution: string;
      /** A version range the install needs (setuptools<82 for pkg_resources); none: any. */
      specifier?: string;
      reason: string;
      /** Why a person must approve it even in installer.mode auto: the name is not a known distribution. */
      ask?: string;
    }
  | { install: false; module: string | null; code: SkipCode; reason: string };

/** PEP 508 names: ASCII letters and digits, with . _ - inside. */
const DISTRIBUTION = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,98}[A-Za-z0-9])?$/;
/** A dotted import name; ASCII only, since it must also name a distribution. */
const MODULE = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const MAX_MODULE = 100;

/**
 * Modules that joined or left the standard library (What's New in Python
 * 3.9–3.13, PEP 594), and the PyPI drop-in that puts a removed one back
 * (names checked against PyPI's package list; `standard-*` are the
 * redistributions of the removed modules' last code). Decided by the failing
 * process's own interpreter's version, never the engine's.
 */
const STDLIB_CHANGES: Record<string, { added?: string; removed?: string; use: string; install?: string }> = {
  tomllib: { added: '3.11', use: 'tomli on older Pythons' },
  zoneinfo: { added: '3.9', use: 'backports.zoneinfo on older Pythons' },
  graphlib: { added: '3.9', use: 'graphlib_backport on older Pythons' },
  distutils: { removed: '3.12', use: 'setuptools, which provides it', install: 'setuptools' },
  imp: { removed: '3.12', use: 'importlib (imp has no drop-in worth installing)' },
  asynchat: { removed: '3.12', use: 'pyasynchat, its drop-in', install: 'pyasynchat' },
  asyncore: { removed: '3.12', use: 'pyasyncore, its drop-in', install: 'pyasyncore' },
  smtpd: { removed: '3.12', use: 'aiosmtpd (smtpd has no drop-in worth installing)' },
  cgi: { removed: '3.13', use: 'legacy-cgi, its drop-in', install: 'legacy-cgi' },
  cgitb: { removed: '3.13', use: 'legacy-cgi, its drop-in', install: 'legacy-cgi' },
  audioop: { removed: '3.13', use: 'audioop-lts, its drop-in', install: 'audioop-lts' },
  ...Object.fromEntries(
    ['aifc', 'chunk', 'crypt', 'imghdr', 'mailcap', 'nntplib', 'pipes', 'sndhdr', 'sunau', 'telnetlib', 'uu', 'xdrlib'].map((m) => [
      m,
      { removed: '3.13', use: `standard-${m}, its drop-in`, install: `standard-${m}` },
    ]),
  ),
  ...Object.fromEntries(['msilib', 'nis', 'ossaudiodev', 'spwd', 'lib2to3'].map((m) => [m, { removed: '3.13', use: 'a maintained replacement (PEP 594; no drop-in on PyPI)' }])),
};

/** Not a module of the standard library, but one a distribution stopped shipping: the last releases that have it. */
const PINNED: Record<string, { distribution: string; specifier: string; why: string }> = {
  // setuptools 82.0.0 removed pkg_resources (pypa/setuptools#5007).
  pkg_resources: { distribution: 'setuptools', specifier: '<82', why: 'pkg_resources ships with setuptools up to 81 (82 removed it)' },
};

/** Import names that are a test suite's own, never a package. */
const TEST_SUITE = new Set(['conftest', 'tests', 'test']);

/** What pip would read as a file or a URL rather than a name on the index. */
const ARCHIVE = /\.(whl|tar\.gz|tgz|tar\.bz2|tar\.xz|zip|conda|egg)$/i;

const NOT_INSTALLABLE: Record<string, (f: ImportErrorFinding) => string> = {
  'missing-name': (f) => `${f.line}: the module is there but lacks that name, a version mismatch; pin or upgrade ${f.module ?? 'the package'} instead`,
  'circular-import': (f) => `${f.line}: a circular import in the project's own code`,
  'not-a-package': (f) => `${f.line}: a module (often a file of the project) shadows the package`,
  'system-library': (f) => `${f.library} is a system library, not a Python package: install it with the OS package manager (e.g. apt-get install the package that provides it)`,
  'abi-mismatch': () => 'a compiled extension does not match its library or Python: reinstall or rebuild it',
  'import-blocked': (f) => `the import of ${f.module} is blocked on purpose (None in sys.modules)`,
  'relative-import': () => 'a relative import outside a package: run the module with python -m package.module',
  'not-runnable': (f) => `${f.module} cannot be run with -m`,
  'broken-tool': (f) => `the tool's own package ${f.module ?? f.distribution} is missing: reinstall the tool; its import name on an index may be something else`,
};

const normalize = normalizeName;

/** Whether `module` can be an import name that maps to a distribution; the reason when not. */
export function checkModuleName(module: string): string | null {
  if (module.length > MAX_MODULE) return `a module name of ${module.length} characters is longer than any real one (${MAX_MODULE})`;
  // JSON quoting: a newline or escape sequence in the name must not start a new line in a log.
  if (!MODULE.test(module)) return `${JSON.stringify(module)} is not an ASCII Python module name (letters, digits, _ and dots): it cannot name a package`;
  return null;
}

/** Whether `name` is a PEP 508 distribution name; the reason when not. */
export function checkDistributionName(name: string): string | null {
  const shown = JSON.stringify(name.length > 100 ? `${name.slice(0, 100)}…` : name);
  if (ARCHIVE.test(name)) return `${shown} names an archive: pip would install a local file, not a distribution from the index`;
  return DISTRIBUTION.test(name) ? null : `${shown} is not a valid distribution name (PEP 508: ASCII letters, digits, . _ - inside, at most 100 characters; pip would read / : @ as a path or URL)`;
}

export function decide(f: ImportErrorFinding, facts: EnvironmentFacts, policy: InstallPolicy): Decision {
  const skip = (code: SkipCode, reason: string): Decision => ({ install: false, module: f.module, code, reason });
  // The finding names a distribution (pkg_resources.DistributionNotFound, PackageNotFoundError): no import-name mapping, the same trust rule.
  if (f.distribution && facts.local) {
    return skip('local', `${f.distribution} is the project's own distribution (${facts.local}), run from its source: install it with pip install -e ., not from an index`);
  }
  if (f.distribution && !(f.kind in NOT_INSTALLABLE)) return allowed(f.module, f.distribution, `the process asked for the distribution ${f.distribution} by name`, policy);
  // A kind without words of its own here (an app module a server could not import, a missing SQLAlchemy plugin) takes the matcher's hint.
  if (f.kind !== 'missing-module') return skip('not-installable', NOT_INSTALLABLE[f.kind]?.(f) ?? (f.hint ? `${f.line}: ${f.hint}` : `${f.line}: not a missing module`));
  const module = f.module!;
  const top = module.split('.')[0];
  const bad = checkModuleName(module);
  if (bad) return skip('invalid-name', bad);
  if (top === 'pip') return skip('no-pip', 'the environment has no pip: create it again with pip, or run <its python> -m ensurepip');
  if (TEST_SUITE.has(top)) return skip('project', `${top} is a test suite's own module, never a package: run the tests from the project's root`);
  // Without the interpreter's answer, the standard library and the Python version are unknown: json would look installable.
  if (facts.version === '?') return skip('not-installable', `${facts.unanswered ?? `the process's interpreter could not be asked about ${top}`}: nothing is installed without its answer`);
  if (facts.stdlib.has(top)) {
    return skip('stdlib', top === module ? `${top} is in Python ${facts.version}'s standard library: the interpreter's own installation is incomplete` : `${top} is in Python ${facts.version}'s standard library, which has no ${module}`);
  }
  const change = STDLIB_CHANGES[top];
  if (change?.added && older(facts.version, change.added)) return skip('stdlib-version', `${top} is in the standard library from Python ${change.added}; this is ${facts.version}: use ${change.use}, or a newer Python`);
  if (change?.removed && !older(facts.version, change.removed)) {
    if (change.install) return allowed(module, change.install, `${top} left the standard library in Python ${change.removed} (this is ${facts.version}); ${change.use}`, policy, { curated: true });
    return skip('stdlib-version', `${top} left the standard library in Python ${change.removed}: use ${change.use}`);
  }
  if (facts.local) return skip('local', `${top} is the project's own (${facts.local}): fix the working directory or PYTHONPATH, not an install`);
  if (facts.installed && !facts.installed.namespace) {
    const owner = facts.installed.distributions.join(', ') || 'a package';
    if (top === module) return skip('installed', `${top} is importable in this environment already (${owner})`);
    return skip('submodule', `${top} is installed (${owner}) but has no ${module.slice(top.length + 1)}: upgrade ${facts.installed.distributions[0] ?? top}? (a submodule is never a package of its own)`);
  }
  const pinned = PINNED[top];
  if (pinned) return allowed(module, pinned.distribution, pinned.why, policy, { curated: true, specifier: pinned.specifier });
  // `from google.cloud import storage` fails on google.cloud: the name after import says which one.
  const imported = /^from\s+([\w.]+)\s+import\s+(\w+)/.exec(f.source ?? '');
  const candidates = imported && imported[1] === module ? [`${module}.${imported[2]}`, module] : [module];
  for (const c of candidates) {
    const d = distributionFor(c, policy.aliases);
    if (d) return allowed(module, d, `${c} is provided by ${d}`, policy);
  }
  if (facts.installed?.namespace) return skip('unknown-distribution', `${top} is a namespace package; no known distribution provides ${module}: add one under installer.aliases`);
  return allowed(module, top, `${top} is installed under its own name`, policy);
}

/**
 * The trust rule (docs/security.md): a valid name, not denied, then
 * installed without a person only when it is known — in installer.allow or
 * installer.aliases, in the bundled import-name table or Pit's own drop-in
 * table, or among PyPI's most downloaded distributions. A typo of a popular
 * name is refused outright; any other name waits for a person.
 */
function allowed(module: string | null, distribution: string, why: string, policy: InstallPolicy, o: { curated?: boolean; specifier?: string } = {}): Decision {
  const bad = checkDistributionName(distribution);
  if (bad) return { install: false, module, code: 'invalid-name', reason: bad };
  const n = normalize(distribution);
  if (policy.deny.some((d) => normalize(d) === n)) return { install: false, module, code: 'denied', reason: `${distribution} is in installer.deny` };
  const inAllow = policy.allow.some((d) => normalize(d) === n);
  if (policy.allow.length && !inAllow) return { install: false, module, code: 'not-allowed', reason: `${distribution} is not in installer.allow` };
  const yes: Decision = { install: true, module, distribution, reason: why, ...(o.specifier ? { specifier: o.specifier } : {}) };
  if (inAllow || o.curated || Object.values(policy.aliases).some((d) => normalize(d) === n)) return yes;
  // The import-name table is curated, but still names beautifulsoup (Python 2's Beautiful Soup 3).
  const typo = supersededBy(distribution) ?? (isTableDistribution(distribution) ? null : typoOf(distribution));
  if (!typo && isTableDistribution(distribution)) return yes;
  if (typo) return { install: false, module, code: 'typo', reason: `did you mean ${typo.use}? ${typo.why}; nothing is installed or queued (if ${distribution} is right, add it to installer.allow)` };
  if (rankOf(distribution) !== null) return yes;
  return { ...yes, ask: `${distribution} is not a known distribution (not in installer.allow or installer.aliases, the bundled import-name table, or PyPI's 15,000 most downloaded): a person decides` };
}

/** "3.10" is older than "3.11". */
function older(version: string, than: string): boolean {
  const [a, b] = [version, than].map((v) => v.split('.').map(Number));
  return a[0] !== b[0] ? a[0] < b[0] : (a[1] ?? 0) < (b[1] ?? 0);
}
