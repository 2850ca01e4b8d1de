// The journal's schema over time. A journal written by an older engine is
// brought up to date when opened: each migration runs once, in order, and
// SQLite's user_version says how many have run. Append, never edit one
// that shipped.
import type { Database } from './sqlite.js';

const MIGRATIONS: string[] = [
  // 1: every event's id, the id of the event that caused it, and why (engine why follows them).
  `ALTER TABLE events ADD COLUMN event_id TEXT;
   ALTER TABLE events ADD COLUMN cause TEXT;
   ALTER TABLE events ADD COLUMN reason TEXT;
   CREATE INDEX IF NOT EXISTS events_event_id ON events (event_id);`,
];

/** Run the migrations `db` has not had yet, each in its own transaction. */
export function migrate(db: Database): void {
  const done = Number(db.pragma('user_version'));
  for (let i = done; i < MIGRATIONS.length; i++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[i]);
      db.pragma(`user_version = ${i + 1}`);
    });
  }
}

/** Whether `db` (opened read-only, perhaps by an older engine) has the columns of migration `n`. */
export function hasMigration(db: Database, n: number): boolean {
  return Number(db.pragma('user_version')) >= n;
}
