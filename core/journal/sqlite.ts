// The SQLite the journal runs on. Node 22.13 and newer carry it (node:sqlite),
// so an install needs no compiled module there: npm 12 no longer runs a
// dependency's install script unless told to, and better-sqlite3's is what
// fetches or builds its module. On older Node, better-sqlite3. Both are given
// the few calls the journal makes, and their errors one kind of code.
// better-sqlite3 is an optional dependency: where its module cannot be
// fetched or built, the install goes on, and Node 22.13+ never needs it.
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { errors } from '../errors.js';

export interface Statement {
  run(...params: unknown[]): unknown;
  get(...params: unknown[]): unknown;
  iterate(...params: unknown[]): Iterable<unknown>;
}

export interface Database {
  exec(sql: string): void;
  prepare(sql: string): Statement;
  /** The first column of the first row a PRAGMA gives (`user_version`, `quick_check`), or undefined. */
  pragma(sql: string): unknown;
  /** Run `fn` in one transaction: all of its writes, or none. Not nested (node:sqlite has no savepoints here). */
  transaction(fn: () => void): void;
  close(): void;
}

export type SqliteName = 'node:sqlite' | 'better-sqlite3';

interface Driver {
  name: SqliteName;
  open(file: string, readonly: boolean): Database;
}

/** The parts of node:sqlite used here (@types/node is Node 20's, which has none). */
interface NodeSqlite {
  DatabaseSync: new (file: string, options: { readOnly: boolean }) => {
    exec(sql: string): void;
    prepare(sql: string): Statement;
    close(): void;
  };
  StatementSync: { prototype: Partial<Statement> };
}

interface BetterSqlite {
  new (file: string, options: { readonly: boolean; fileMustExist: boolean }): {
    exec(sql: string): void;
    prepare(sql: string): Statement;
    pragma(sql: string, options: { simple: true }): unknown;
    transaction(fn: () => void): () => void;
    close(): void;
  };
}

let driver: Driver | null = null;

/** Choose the SQLite this Node gives the journal, once; throws PIT_E_JOURNAL_SQLITE when neither loads. */
export function chooseSqlite(): SqliteName {
  return loadDriver().name;
}

/**
 * Open `file` (created unless `readonly`). A writer waits up to 200 ms for
 * another connection's lock before SQLITE_BUSY; a reader (engine events
 * with no engine) up to 2 s, as it writes nothing that holds anyone up.
 */
export function openDatabase(file: string, { readonly = false } = {}): Database {
  const db = loadDriver().open(file, readonly);
  db.exec(`PRAGMA busy_timeout = ${readonly ? 2000 : 200}`);
  return db;
}

function loadDriver(): Driver {
  driver ??= nodeSqlite() ?? betterSqlite();
  return driver;
}

function nodeSqlite(): Driver | null {
  const mod = builtinQuietly('node:sqlite') as NodeSqlite | undefined;
  // StatementSync.iterate arrived in Node 22.13, when node:sqlite also stopped needing a flag.
  if (typeof mod?.StatementSync?.prototype?.iterate !== 'function') return null;
  return {
    name: 'node:sqlite',
    open(file, readonly) {
      const db = new mod.DatabaseSync(file, { readOnly: readonly });
      return {
        exec: (sql) => db.exec(sql),
        prepare: (sql) => keptAlive(db.prepare(sql)),
        pragma: (sql) => firstColumn(db.prepare(`PRAGMA ${sql}`).get()),
        transaction(fn) {
          db.exec('BEGIN');
          try {
            fn();
            db.exec('COMMIT');
          } catch (e) {
            try {
              db.exec('ROLLBACK');
            } catch { /* SQLite rolled back already (a full disk does) */ }
            throw e;
          }
        },
        close: () => db.close(),
      };
    },
  };
}

/**
 * A statement whose iteration holds it: Node 22.13 and 22.14 finalize a
 * statement collected mid-iteration ("statement has been finalized", or a
 * crash) when only its iterator is kept, as `for (… of prepare().iterate())`
 * does.
 */
function keptAlive(stmt: Statement): Statement {
  return {
    run: (...p) => stmt.run(...p),
    get: (...p) => stmt.get(...p),
    *iterate(...p) {
      yield* stmt.iterate(...p);
    },
  };
}

/**
 * A built-in module, without the ExperimentalWarning Node 22 prints on
 * loading node:sqlite: it would reach the person's terminal on every start,
 * about something they did not choose.
 */
function builtinQuietly(id: string): unknown {
  const getBuiltin = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  if (!getBuiltin) return undefined;
  const emitWarning = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    if (!/^SQLite is an experimental feature/.test(typeof warning === 'string' ? warning : warning.message)) {
      (emitWarning as (...a: unknown[]) => void).call(process, warning, ...rest);
    }
  }) as typeof process.emitWarning;
  try {
    return getBuiltin(id);
  } catch {
    return undefined;
  } finally {
    process.emitWarning = emitWarning;
  }
}

function betterSqlite(): Driver {
  const require = createRequire(import.meta.url);
  let Better: BetterSqlite;
  try {
    Better = require('better-sqlite3') as BetterSqlite;
    // The package loads without its compiled module; the first open needs it.
    new Better(':memory:', { readonly: false, fileMustExist: false }).close();
  } catch (e) {
    // An optional dependency: absent when its install failed or was left out; unbuilt when its script did not run, or built for another Node.
    const absent = (e as { code?: string }).code === 'MODULE_NOT_FOUND';
    throw errors.PIT_E_JOURNAL_SQLITE(process.version, absent ? null : `npm rebuild better-sqlite3 --prefix ${shellWord(installedIn(require))}`, absent ? 'it is not installed' : loadFailure(e));
  }
  return {
    name: 'better-sqlite3',
    open(file, readonly) {
      const db = new Better(file, { readonly, fileMustExist: readonly });
      return {
        exec: (sql) => db.exec(sql),
        prepare: (sql) => db.prepare(sql),
        pragma: (sql) => db.pragma(sql, { simple: true }),
        transaction: (fn) => db.transaction(fn)(),
        close: () => db.close(),
      };
    },
  };
}

/**
 * The folder whose node_modules holds better-sqlite3, where `npm rebuild`
 * finds it: Pit's own in a global install, the project's when npm hoisted it.
 */
function installedIn(require: NodeJS.Require): string {
  return dirname(dirname(dirname(require.resolve('better-sqlite3/package.json'))));
}

const shellWord = (s: string) => (/^[\w./@:+-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`);

/** Why the module did not load, on one line: without the list of paths `bindings` tried. */
function loadFailure(e: unknown): string {
  const text = String((e as Error)?.message ?? e).split(/\.?\s*Tried:/)[0].replace(/\s+/g, ' ').trim();
  return text.length > 300 ? `${text.slice(0, 299)}…` : text;
}

function firstColumn(row: unknown): unknown {
  return row === undefined ? undefined : Object.values(row as object)[0];
}

const PRIMARY_CODES: Record<number, string> = {
  1: 'SQLITE_ERROR', 3: 'SQLITE_PERM', 5: 'SQLITE_BUSY', 6: 'SQLITE_LOCKED', 8: 'SQLITE_READONLY', 10: 'SQLITE_IOERR',
  11: 'SQLITE_CORRUPT', 13: 'SQLITE_FULL', 14: 'SQLITE_CANTOPEN', 26: 'SQLITE_NOTADB',
};

/**
 * SQLite's code of a failure, as better-sqlite3 names it (SQLITE_FULL,
 * SQLITE_BUSY_SNAPSHOT); node:sqlite gives the number. Other errors: their
 * own code, else their message.
 */
export function readSqliteCode(e: unknown): string {
  const { code, errcode } = (e ?? {}) as { code?: string; errcode?: number };
  if (typeof errcode === 'number') return PRIMARY_CODES[errcode & 0xff] ?? `SQLITE_${errcode}`;
  return code ?? String((e as Error)?.message ?? e);
}
