/**
 * The run history's tables. `PRAGMA user_version` numbers the schema so that a later version of
 * the workbench can migrate an older file instead of failing on it.
 *
 * JSON columns hold what varies in shape from run to run (parameters, package versions, seeds,
 * input hashes); metrics get their own table, one row per (run, name, step), because they are
 * what runs are compared and plotted by.
 */
import type { Database } from 'better-sqlite3';

export const SCHEMA_VERSION = 1;

const VERSION_1 = `
CREATE TABLE runs (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  notebook    TEXT NOT NULL,
  started     TEXT NOT NULL,
  finished    TEXT,
  status      TEXT NOT NULL CHECK (status IN ('running', 'ok', 'error', 'interrupted')),
  params      TEXT NOT NULL DEFAULT '{}',
  backend     TEXT,
  versions    TEXT NOT NULL DEFAULT '{}',
  seeds       TEXT NOT NULL DEFAULT '[]',
  inputs      TEXT NOT NULL DEFAULT '{}',
  failed_cell INTEGER,
  error       TEXT
);
CREATE INDEX runs_by_notebook ON runs (notebook, started);

CREATE TABLE metrics (
  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  name   TEXT NOT NULL,
  step   INTEGER NOT NULL,
  value  REAL NOT NULL,
  PRIMARY KEY (run_id, name, step)
) WITHOUT ROWID;
`;

export function migrate(db: Database, file: string): void {
  const check = (version: number) => {
    if (version > SCHEMA_VERSION) {
      throw new Error(`${file}: the run history was written by a newer workbench (schema ${version}, this one knows ${SCHEMA_VERSION}); upgrade wb`);
    }
  };
  const current = db.pragma('user_version', { simple: true }) as number;
  check(current);
  if (current === SCHEMA_VERSION) return;
  // IMMEDIATE takes the write lock before reading the version: two processes opening a new
  // file at once (`wb serve` and `wb run`) must not both create the tables.
  db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    check(version);
    if (version < 1) db.exec(VERSION_1);
    if (version < SCHEMA_VERSION) db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}
