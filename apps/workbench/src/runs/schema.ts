/**
 * The run history's tables. `PRAGMA user_version` numbers the schema so that a later version of
 * the workbench can migrate an older file instead of failing on it.
 *
 * JSON columns hold what varies in shape from run to run (parameters, package versions, seeds,
 * input hashes); metrics get their own table, one row per (run, name, step), because they are
 * what runs are compared and plotted by.
 */
import type { Database } from 'better-sqlite3';

export const SCHEMA_VERSION = 3;

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

/** 2: the hub models (repo id and commit) a run read. */
const VERSION_2 = `ALTER TABLE runs ADD COLUMN models TEXT NOT NULL DEFAULT '[]';`;

/**
 * 3: sweeps (`wb sweep`). A point of a sweep has at most one run: the primary key is what makes a
 * job that a queue delivers twice (a retry after a worker died, a Redis restart) count once.
 */
const VERSION_3 = `
CREATE TABLE sweeps (
  id       TEXT PRIMARY KEY,
  spec     TEXT NOT NULL,
  metric   TEXT NOT NULL,
  points   INTEGER NOT NULL,
  created  TEXT NOT NULL,
  finished TEXT,
  status   TEXT NOT NULL CHECK (status IN ('running', 'done', 'cancelled'))
);
CREATE TABLE sweep_points (
  sweep_id      TEXT NOT NULL REFERENCES sweeps (id) ON DELETE CASCADE,
  point         INTEGER NOT NULL,
  run_id        INTEGER NOT NULL UNIQUE REFERENCES runs (id) ON DELETE CASCADE,
  worker        TEXT,
  attempts      INTEGER NOT NULL,
  output_sha256 TEXT,
  PRIMARY KEY (sweep_id, point)
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
    if (version < 2) db.exec(VERSION_2);
    if (version < 3) db.exec(VERSION_3);
    if (version < SCHEMA_VERSION) db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}
