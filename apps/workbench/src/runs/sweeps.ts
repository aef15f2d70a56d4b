/**
 * Sweeps in the run history: `wb sweep` records the sweep when it queues it, and each point's
 * result, as a run of the sweep's notebook, when a worker hands it back through Redis. A point
 * has at most one run (the `sweep_points` primary key), so a result delivered twice — a job
 * retried after its worker died, a Redis restart — is recorded once.
 */
import type { JsonValue } from '../notebook/types.js';
import { runOutcome, type RunEnd } from './record.js';
import type { RunStore } from './store.js';
import type { MetricPoint, RunDetail } from './types.js';
import type { SweepInfo, SweepPointRun, SweepStatus } from './sweep-types.js';

/** What a worker hands back for one point. */
export interface PointResult extends RunEnd {
  point: number;
  params: Record<string, JsonValue>;
  started: string;
  finished: string;
  /** Every logged value of each metric, by step. */
  series: Record<string, MetricPoint[]>;
  /** `host:pid` of the worker that ran it (none for a job that failed every attempt). */
  worker: string | null;
  /** Which attempt succeeded (or the last one, for a failure). */
  attempts: number;
  /** sha256 of the executed notebook's outputs (or of the job's output file). */
  outputSha256: string | null;
}

interface SweepRow {
  id: string;
  spec: string;
  metric: string;
  points: number;
  created: string;
  finished: string | null;
  status: SweepStatus;
}

const toInfo = (row: SweepRow): SweepInfo => ({ ...row, spec: JSON.parse(row.spec) });

export function createSweep(store: RunStore, sweep: { id: string; spec: JsonValue; metric: string; points: number }): void {
  store.write((db) =>
    db
      .prepare(`INSERT INTO sweeps (id, spec, metric, points, created, status) VALUES (?, ?, ?, ?, ?, 'running')`)
      .run(sweep.id, JSON.stringify(sweep.spec), sweep.metric, sweep.points, new Date().toISOString()),
  );
}

export function finishSweep(store: RunStore, id: string, status: Exclude<SweepStatus, 'running'>): void {
  store.write((db) => db.prepare(`UPDATE sweeps SET status = ?, finished = ? WHERE id = ?`).run(status, new Date().toISOString(), id));
}

/** Records one point's result as a run; returns its run id, or undefined when the point already has one. */
export function recordPoint(store: RunStore, sweepId: string, notebook: string, result: PointResult): number | undefined {
  return store.write((db) => {
    const seen = db.prepare('SELECT run_id FROM sweep_points WHERE sweep_id = ? AND point = ?').get(sweepId, result.point);
    if (seen) return undefined;
    const runId = store.begin({ notebook, started: result.started, params: result.params });
    for (const [name, points] of Object.entries(result.series)) for (const { step, value } of points) store.logMetric(runId, name, value, step);
    store.finish(runId, { ...runOutcome(result), finished: result.finished });
    db.prepare('INSERT INTO sweep_points (sweep_id, point, run_id, worker, attempts, output_sha256) VALUES (?, ?, ?, ?, ?, ?)').run(
      sweepId,
      result.point,
      runId,
      result.worker,
      result.attempts,
      result.outputSha256,
    );
    return runId;
  });
}

/** The points already recorded. */
export function recordedPoints(store: RunStore, sweepId: string): Set<number> {
  return store.read((db) => new Set((db.prepare('SELECT point FROM sweep_points WHERE sweep_id = ?').all(sweepId) as Array<{ point: number }>).map((r) => r.point)));
}

export function listSweeps(store: RunStore): SweepInfo[] {
  return store.read((db) => (db.prepare('SELECT * FROM sweeps ORDER BY created DESC').all() as SweepRow[]).map(toInfo));
}

/** A sweep with its runs in point order (each with its curves), or undefined when there is no such sweep. */
export function getSweep(store: RunStore, id: string): { sweep: SweepInfo; runs: SweepPointRun[] } | undefined {
  const row = store.read((db) => db.prepare('SELECT * FROM sweeps WHERE id = ?').get(id) as SweepRow | undefined);
  if (!row) return undefined;
  const points = store.read(
    (db) =>
      db.prepare('SELECT point, run_id, worker, attempts, output_sha256 FROM sweep_points WHERE sweep_id = ? ORDER BY point').all(id) as Array<{
        point: number;
        run_id: number;
        worker: string | null;
        attempts: number;
        output_sha256: string | null;
      }>,
  );
  const runs = points.map((p) => ({ ...(store.get(p.run_id) as RunDetail), point: p.point, worker: p.worker, attempts: p.attempts, outputSha256: p.output_sha256 }));
  return { sweep: toInfo(row), runs };
}
