// The journal: every event (state changes, exits, runs, installs, reloads,
// plugins' own) in .pit/journal.db, so `engine events` and the dashboard
// can look back, across restarts. Writes are queued and committed in one
// transaction per batch, so a storm costs supervision a push per event. A
// journal that is corrupt or locked by someone else is moved aside and a
// new one started: supervision never waits for it. The database is opened
// at the first write, not at start, and the engine holds the writes until
// start-up's launches are made: its spawns do not wait for SQLite. A
// journal that cannot be written for now (a full disk) is reported once and
// retried every second, its events held meanwhile (bounded): the engine
// never stops supervising for its journal.
import { existsSync, renameSync } from 'node:fs';
import { ensurePrivate } from '../private-file.js';
import { stateDirPaths } from '../state-dir.js';
import type { EventBus } from '../events/bus.js';
import { errors, PitError } from '../errors.js';
import { eventName, type PitEvent } from '../events/catalog.js';
import { matchesPattern, parsePattern } from '../events/match.js';
import { isChatter } from '../events/quiet.js';
import type { JournalRetention } from '../model/pitfile.js';
import { createRowPolicy } from './row-policy.js';
import { hasMigration, migrate } from './migrations.js';
import { openDatabase, readSqliteCode, chooseSqlite, type Database } from './sqlite.js';

/** An event as it is stored and served: its payload with its full name and time. */
export type JournalEvent = Record<string, unknown> & { name: string; at: number };

export interface JournalQuery {
  /** A pattern, * per segment (process:*:exit). */
  type?: string;
  since?: number;
  until?: number;
  /** The newest `limit` that match, returned oldest first. */
  limit?: number;
  /** Only events about this process. */
  process?: string;
  /** Leave out output lines and periodic samples (events/quiet.ts), so `limit` counts what a person reads. */
  quiet?: boolean;
}

export const journalFile = (stateDir: string) => stateDirPaths(stateDir).journal;

const FLUSH_MS = 50;
/** A storm is written as it comes, this many rows a transaction, rather than held. */
const BATCH_ROWS = 5000;
/** Queued rows beyond this are dropped (and counted) rather than held in memory. */
const MAX_QUEUE = 50_000;
const PRUNE_EVERY_MS = 60_000;
/** How often a journal that cannot be written (a full disk) is tried again. */
export const RETRY_MS = 1000;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, name TEXT NOT NULL, subject TEXT NOT NULL, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS events_at ON events (at);
CREATE INDEX IF NOT EXISTS events_subject ON events (subject, at);
CREATE VIEW IF NOT EXISTS runs AS SELECT * FROM events WHERE name LIKE 'reaction:%:run';
CREATE VIEW IF NOT EXISTS installs AS SELECT * FROM events WHERE name LIKE 'process:%:install';
`;

export class Journal {
  #handle: Database | null = null;
  #queue: JournalEvent[] = [];
  #timer: NodeJS.Timeout | null = null;
  #dropped = 0;
  #failures = 0;
  #prunedAt = 0;
  /** Set while the journal cannot be written for now (a full disk): reported once, retried. */
  #unwritable: string | null = null;
  #bus: EventBus | null = null;
  /** Rows wait unwritten (holdWritesUntil). */
  #held = false;
  /** This Node has no SQLite the journal can load: said once, and events are not kept. */
  #off = false;
  /** Output lines and most periodic samples are not rows (row-policy.ts). */
  readonly #isRow: (e: PitEvent) => boolean;

  private constructor(
    private readonly file: string,
    private readonly keep: JournalRetention,
    private readonly warn: (text: string) => void,
    private readonly clock: () => number,
  ) {
    this.#isRow = createRowPolicy(keep.statsEveryMs ?? null);
  }

  get #db(): Database {
    this.#handle ??= this.#open();
    return this.#handle;
  }

  /**
   * Open (or start) the journal of `stateDir`; `warn` hears about a file
   * moved aside. `clock` decides what "now" is for pruning (a test runs a
   * simulated week through it).
   */
  static open(stateDir: string, keep: JournalRetention, warn: (text: string) => void = () => {}, clock: () => number = Date.now): Journal {
    return new Journal(journalFile(stateDir), keep, warn, clock);
  }

  /** Read a journal with no engine running (engine events after a stop); null when there is none. */
  static read(stateDir: string, q: JournalQuery): JournalEvent[] | null {
    return Journal.readWith(stateDir, (r) => r.query(q));
  }

  /** Several reads of one journal file, opened once, read-only (engine why follows causes); null when there is none. */
  static readWith<T>(stateDir: string, use: (reader: JournalReader) => T): T | null {
    const file = journalFile(stateDir);
    chooseSqlite(); // no SQLite to read with is the answer, whether or not a file is there
    if (!existsSync(file)) return null;
    const db = openDatabase(file, { readonly: true });
    try {
      const causes = hasMigration(db, 1);
      const byId = causes ? db.prepare(`SELECT ${COLUMNS} FROM events WHERE event_id = ? LIMIT 1`) : null;
      return use({
        query: (q) => select(db, q),
        byId: (id) => {
          const row = byId?.get(id) as Row | undefined;
          return row ? toEvent(row) : null;
        },
      });
    } finally {
      db.close();
    }
  }

  /** Journal every event on `bus` from now on; returns the unsubscribe. */
  attach(bus: EventBus): () => void {
    this.#bus = bus;
    return bus.on('*:*', (e) => this.add(e), { passive: true });
  }

  /**
   * Queue rows without writing them until `until` settles: the engine's
   * start-up launches its processes before SQLite (node:sqlite, or
   * better-sqlite3's 23 files and native module) loads and the database
   * opens. A stop meanwhile still writes every row (close flushes); the
   * queue's bound holds meanwhile.
   */
  holdWritesUntil(until: Promise<unknown>): void {
    this.#held = true;
    const resume = () => {
      this.#held = false;
      if (this.#queue.length && !this.#closed) this.#timer ??= setTimeout(() => this.flush(), FLUSH_MS);
    };
    until.then(resume, resume);
  }

  add(e: PitEvent): void {
    if (this.#off || !this.#isRow(e)) return;
    if (this.#queue.length >= MAX_QUEUE) {
      // Also while the disk is full: what led up to it is kept, the rest counted.
      this.#dropped++;
      return;
    }
    const { subject: _, ...payload } = e as PitEvent & Record<string, unknown>;
    this.#queue.push({ ...payload, name: eventName(e), at: e.at, subject: e.subject } as JournalEvent);
    if (this.#held) return;
    if (this.#queue.length >= BATCH_ROWS && this.#failures === 0) this.flush();
    else this.#timer ??= setTimeout(() => this.flush(), this.#unwritable === null ? FLUSH_MS : RETRY_MS);
  }

  /** Write what is queued, in one transaction. */
  flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    if (!this.#queue.length || this.#closed) return;
    const rows = this.#queue;
    this.#queue = [];
    try {
      const insert = this.#db.prepare('INSERT INTO events (at, name, subject, data, event_id, cause, reason) VALUES (?, ?, ?, ?, ?, ?, ?)');
      this.#db.transaction(() => {
        for (const r of rows) {
          const { name, at, subject, id, cause, reason, ...data } = r;
          insert.run(at, name, String(subject ?? ''), JSON.stringify(data), textOrNull(id), textOrNull(cause), textOrNull(reason));
        }
      });
      this.#failures = 0;
      if (this.#dropped) {
        this.warn(`journal: ${this.#dropped} events dropped (more than ${MAX_QUEUE} waiting to be written)`);
        this.#dropped = 0;
      }
    } catch (e) {
      if (isNoSqlite(e)) return this.#turnOff(e);
      this.#queue = [...rows, ...this.#queue];
      if (this.#queue.length > MAX_QUEUE) {
        this.#dropped += this.#queue.length - MAX_QUEUE;
        this.#queue.length = MAX_QUEUE;
      }
      this.#failed(e);
    }
    if (this.#failures) return;
    if (this.#unwritable !== null) this.#resumed();
    if (this.clock() - this.#prunedAt > PRUNE_EVERY_MS) this.#pruneQuietly();
  }

  /** Prune, where a failure (a full disk: deleting needs room in the WAL) waits for the next time. */
  #pruneQuietly(): void {
    try {
      this.prune();
    } catch {
      this.#prunedAt = this.clock();
    }
  }

  /**
   * After a failed write: a full disk waits for space (nothing is wrong
   * with the file); busy for a moment (another reader checkpointing) is
   * retried; busy for long, or corrupt, and the file goes.
   */
  #failed(e: unknown): void {
    this.#failures++;
    if (isOutOfSpace(e)) this.#reportUnwritable(e);
    else if (this.#failures >= 3 || !isBusy(e)) {
      try {
        this.#replace(`cannot write to it (${(e as Error).message})`);
      } catch (again) {
        // Moving aside or starting afresh failed too (no space for a new file): wait.
        this.#reportUnwritable(again);
      }
    }
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.flush(), this.#unwritable === null ? FLUSH_MS * 4 : RETRY_MS);
  }

  /** No SQLite to write with: nothing about the file is wrong, and waiting will not bring one. */
  #turnOff(err: PitError): void {
    this.#off = true;
    this.#queue = [];
    this.#bus?.publish('engine:state-error', 'journal', { part: 'journal', code: err.code, message: err.message, fix: err.fix });
  }

  #reportUnwritable(e: unknown): void {
    if (this.#unwritable !== null) return;
    const err = errors.PIT_E_JOURNAL_WRITE(this.file, readSqliteCode(e));
    this.#unwritable = err.message;
    // Said once, as an event (engine run notes it); the event itself is journaled once there is room.
    this.#bus?.publish('engine:state-error', 'journal', { part: 'journal', code: err.code, message: err.message });
  }

  #resumed(): void {
    this.#unwritable = null;
    const message = `the journal ${this.file} is written again`;
    this.#bus?.publish('engine:state-resumed', 'journal', { part: 'journal', message });
  }

  /** Remove rows past settings.journal.keep. */
  prune(now = this.clock()): void {
    this.#prunedAt = now;
    this.#db.prepare('DELETE FROM events WHERE at < ?').run(now - this.keep.ageMs);
    this.#db.prepare('DELETE FROM events WHERE id <= (SELECT id FROM events ORDER BY id DESC LIMIT 1 OFFSET ?)').run(this.keep.rows);
  }

  query(q: JournalQuery): JournalEvent[] {
    this.flush();
    return select(this.#db, q);
  }

  close(): void {
    if (this.#closed) return;
    this.flush(); // on a full disk, what is queued is lost: the engine is stopping
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#closed = true;
    try {
      this.#handle?.close();
    } catch { /* a handle a failed write left unusable */ }
  }

  #closed = false;

  #open(): Database {
    try {
      return this.#connect();
    } catch (e) {
      // No room to open it (its WAL, its first page), or no SQLite to open it with, says nothing against the file.
      if (isOutOfSpace(e) || isNoSqlite(e)) throw e;
      this.#moveAside(`it could not be opened (${(e as Error).message})`);
      return this.#connect();
    }
  }

  /** SQLite creates its file with the umask's mode, and its -wal and -shm files with the file's: made 0600 first. */
  #connect(): Database {
    chooseSqlite(); // a Node with no SQLite to load leaves no empty file behind
    ensurePrivate(this.file);
    return prepare(openDatabase(this.file));
  }

  #replace(why: string): void {
    try {
      this.#handle?.close();
    } catch { /* already unusable */ }
    this.#moveAside(why);
    this.#handle = this.#connect();
    this.#failures = 0;
  }

  #moveAside(why: string): void {
    const aside = `${this.file}.bad-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    for (const suffix of ['', '-wal', '-shm']) {
      if (existsSync(this.file + suffix)) renameSync(this.file + suffix, aside + suffix);
    }
    this.warn(`journal: ${this.file} moved aside to ${aside}: ${why}; a new journal is started`);
  }
}

/** Make `db` ready: WAL (readers never block the writer), the schema, a quick integrity check, a write lock check. */
function prepare(db: Database): Database {
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    // better-sqlite3 builds SQLite with a 16 MiB page cache, which a journal
    // fills within ~100,000 rows and keeps for the engine's life; SQLite's
    // own default, 2 MiB, writes a 100,000-row storm as fast (bench/README).
    db.pragma('cache_size = -2000');
    const check = db.pragma('quick_check');
    if (check !== 'ok') throw new Error(`integrity check: ${String(check)}`);
    db.exec(SCHEMA);
    migrate(db);
    // Someone holding the write lock now would make every batch wait: find out at once.
    db.exec('BEGIN IMMEDIATE; COMMIT');
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

function select(db: Database, q: JournalQuery): JournalEvent[] {
  const pattern = q.type ?? '*:*';
  const parsed = parsePattern(pattern);
  if ('error' in parsed) throw new Error(`bad event pattern "${pattern}": ${parsed.error}`);
  const limit = Math.max(0, Math.min(q.limit ?? 100, 10_000));
  const where = ['at >= ?', 'at <= ?'];
  const args: unknown[] = [q.since ?? 0, q.until ?? Number.MAX_SAFE_INTEGER];
  if (q.process) {
    where.push('subject = ?');
    args.push(q.process);
  }
  // GLOB narrows in SQL (its * also crosses ":"); matchesPattern decides.
  where.push('name GLOB ?');
  args.push(parsed.segments.join(':') + (parsed.segments.length < 3 ? '*' : ''));
  const out: JournalEvent[] = [];
  if (limit === 0) return out;
  // A journal of an older engine, read-only, has no cause columns yet.
  const columns = hasMigration(db, 1) ? COLUMNS : 'at, name, subject, data';
  for (const row of db.prepare(`SELECT ${columns} FROM events WHERE ${where.join(' AND ')} ORDER BY id DESC`).iterate(...args) as Iterable<Row>) {
    if (!matchesPattern(parsed.segments, row.name) || (q.quiet && isChatter(row.name))) continue;
    out.push(toEvent(row));
    if (out.length >= limit) break;
  }
  return out.reverse();
}

const COLUMNS = 'at, name, subject, data, event_id, cause, reason';

interface Row {
  at: number;
  name: string;
  subject: string;
  data: string;
  event_id?: string | null;
  cause?: string | null;
  reason?: string | null;
}

/** A row as the event it stored: its id always (null before ids), its cause and reason when it has them. */
function toEvent(row: Row): JournalEvent {
  const e: JournalEvent = { ...JSON.parse(row.data), subject: row.subject, name: row.name, at: row.at, id: row.event_id ?? null };
  if (row.cause) e.cause = row.cause;
  if (row.reason !== null && row.reason !== undefined) e.reason = row.reason;
  return e;
}

const textOrNull = (v: unknown) => (typeof v === 'string' ? v : null);

/** Reads of a journal file (Journal.readWith). */
export interface JournalReader {
  query(q: JournalQuery): JournalEvent[];
  /** The event with this id, or null (pruned, or never journaled). */
  byId(id: string): JournalEvent | null;
}

/** This Node has no SQLite the journal can load (chooseSqlite): nothing is wrong with the file. */
const isNoSqlite = (e: unknown): e is PitError => e instanceof PitError && e.code === 'PIT_E_JOURNAL_SQLITE';

/** A full disk (or quota): the file is fine, there is no room for it to grow. */
function isOutOfSpace(e: unknown): boolean {
  return ['SQLITE_FULL', 'ENOSPC', 'EDQUOT'].includes(readSqliteCode(e)) || /SQLITE_IOERR|database or disk is full/.test(`${readSqliteCode(e)} ${(e as Error)?.message}`);
}

function isBusy(e: unknown): boolean {
  const code = readSqliteCode(e);
  return code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED');
}
