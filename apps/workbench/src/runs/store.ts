/**
 * The run history (`runs.sqlite`, see `location.ts`) through better-sqlite3: `wb run` adds a
 * run when it starts, its metrics as cells log them, and the outcome when it ends; `wb serve`
 * and `wb runs` read it. Several processes share the file: WAL lets readers go on while a run
 * writes, and a busy timeout makes writers wait for each other instead of failing.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database, { type Database as Db } from 'better-sqlite3';
import type { JsonValue } from '../notebook/types.js';
import { migrate } from './schema.js';
import type { MetricPoint, RunDetail, RunStatus, RunSummary } from './types.js';

export interface NewRun {
  notebook: string;
  started?: string;
  params?: Record<string, JsonValue>;
}

export interface RunOutcome {
  status: Exclude<RunStatus, 'running'>;
  finished?: string;
  backend?: string | null;
  versions?: Record<string, string>;
  seeds?: number[];
  inputs?: RunSummary['inputs'];
  models?: RunSummary['models'];
  failedCell?: number | null;
  error?: string | null;
}

export interface ListOptions {
  /** Only this notebook's runs (as stored: relative to the history's folder). */
  notebook?: string;
  /** The newest this many. */
  limit?: number;
}

interface RunRow {
  id: number;
  notebook: string;
  started: string;
  finished: string | null;
  status: RunStatus;
  params: string;
  backend: string | null;
  versions: string;
  seeds: string;
  inputs: string;
  models: string;
  failed_cell: number | null;
  error: string | null;
}

const toSummary = (row: RunRow, metrics: Record<string, MetricPoint> = {}): RunSummary => ({
  id: row.id,
  notebook: row.notebook,
  started: row.started,
  finished: row.finished,
  status: row.status,
  params: JSON.parse(row.params),
  backend: row.backend,
  versions: JSON.parse(row.versions),
  seeds: JSON.parse(row.seeds),
  inputs: JSON.parse(row.inputs),
  models: JSON.parse(row.models),
  failedCell: row.failed_cell,
  error: row.error,
  metrics,
});

export class RunStore {
  private constructor(
    readonly file: string,
    private readonly db: Db,
  ) {}

  /** Opens the history, creating the file (and its folder) when it does not exist yet. */
  static open(file: string): RunStore {
    let db: Db | undefined;
    try {
      mkdirSync(dirname(file), { recursive: true });
      db = new Database(file);
      db.pragma('busy_timeout = 5000');
      db.pragma('journal_mode = WAL');
      // In WAL mode NORMAL cannot corrupt the file; it only skips an fsync per metric logged.
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      migrate(db, file);
      return new RunStore(file, db);
    } catch (e) {
      db?.close();
      const message = (e as Error).message;
      throw new Error(message.startsWith(file) ? message : `${file}: cannot open the run history: ${message}`);
    }
  }

  /** Records a run as `running`; returns its id. */
  begin(run: NewRun): number {
    const info = this.db
      .prepare(`INSERT INTO runs (notebook, started, status, params) VALUES (?, ?, 'running', ?)`)
      .run(run.notebook, run.started ?? new Date().toISOString(), JSON.stringify(run.params ?? {}));
    return Number(info.lastInsertRowid);
  }

  /** One value of a metric; logging the same step again replaces it. */
  logMetric(runId: number, name: string, value: number, step: number): void {
    this.db
      .prepare(`INSERT INTO metrics (run_id, name, step, value) VALUES (?, ?, ?, ?) ON CONFLICT (run_id, name, step) DO UPDATE SET value = excluded.value`)
      .run(runId, name, step, value);
  }

  finish(runId: number, outcome: RunOutcome): void {
    this.db
      .prepare(
        `UPDATE runs SET status = ?, finished = ?, backend = coalesce(?, backend), versions = coalesce(?, versions),
           seeds = coalesce(?, seeds), inputs = coalesce(?, inputs), models = coalesce(?, models), failed_cell = ?, error = ? WHERE id = ?`,
      )
      .run(
        outcome.status,
        outcome.finished ?? new Date().toISOString(),
        outcome.backend ?? null,
        outcome.versions ? JSON.stringify(outcome.versions) : null,
        outcome.seeds ? JSON.stringify(outcome.seeds) : null,
        outcome.inputs ? JSON.stringify(outcome.inputs) : null,
        outcome.models ? JSON.stringify(outcome.models) : null,
        outcome.failedCell ?? null,
        outcome.error ?? null,
        runId,
      );
  }

  /** Runs, newest first, each with the last value of each metric. */
  list(options: ListOptions = {}): RunSummary[] {
    const where = options.notebook === undefined ? '' : 'WHERE notebook = @notebook';
    const limit = options.limit === undefined ? '' : 'LIMIT @limit';
    const rows = this.db.prepare(`SELECT * FROM runs ${where} ORDER BY id DESC ${limit}`).all({ notebook: options.notebook, limit: options.limit }) as RunRow[];
    const finals = this.finalMetrics(rows.map((r) => r.id));
    return rows.map((row) => toSummary(row, finals.get(row.id)));
  }

  get(id: number): RunDetail | undefined {
    const row = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RunRow | undefined;
    if (!row) return undefined;
    const series: Record<string, MetricPoint[]> = {};
    const points = this.db.prepare('SELECT name, step, value FROM metrics WHERE run_id = ? ORDER BY name, step').all(id) as Array<MetricPoint & { name: string }>;
    for (const { name, step, value } of points) (series[name] ??= []).push({ step, value });
    const metrics = Object.fromEntries(Object.entries(series).map(([name, values]) => [name, values.at(-1)!]));
    return { ...toSummary(row, metrics), series };
  }

  private finalMetrics(ids: number[]): Map<number, Record<string, MetricPoint>> {
    const out = new Map<number, Record<string, MetricPoint>>();
    if (ids.length === 0) return out;
    // With MAX() SQLite takes the bare column `value` from the row that has the largest step.
    const rows = this.db
      .prepare(`SELECT run_id, name, value, MAX(step) AS step FROM metrics WHERE run_id IN (SELECT value FROM json_each(?)) GROUP BY run_id, name`)
      .all(JSON.stringify(ids)) as Array<{ run_id: number; name: string; value: number; step: number }>;
    for (const r of rows) {
      const metrics = out.get(r.run_id) ?? {};
      metrics[r.name] = { step: r.step, value: r.value };
      out.set(r.run_id, metrics);
    }
    return out;
  }

  /** `fn` as one write transaction (taken before reading): what `sweeps.ts` records happens whole or not at all. */
  write<T>(fn: (db: Db) => T): T {
    return this.db.transaction(() => fn(this.db)).immediate();
  }

  /** `fn` on the database, for reads by the modules that build on the history (`sweeps.ts`). */
  read<T>(fn: (db: Db) => T): T {
    return fn(this.db);
  }

  close(): void {
    this.db.close();
  }
}
