/**
 * `wb run`'s entry in the run history: begun before the first cell (so that a run that never
 * ends still shows, as `running`), metrics as cells log them, and what the run used and how
 * it ended once it stops. The history is a convenience: when it cannot be written (a
 * read-only folder, a newer schema) the notebook still runs, with a warning.
 */
import { dirname } from 'node:path';
import type { JsonValue, Output, RunRecord } from '../notebook/types.js';
import { notebookKey, runsDatabaseFor } from './location.js';
import { RunStore, type RunOutcome } from './store.js';

export interface RunEnd {
  ok: boolean;
  failedCell?: number;
  error?: Output;
  run?: RunRecord;
}

export class RecordedRun {
  private ended = false;
  private metricFailed = false;

  private constructor(
    private readonly store: RunStore,
    readonly id: number,
    private readonly warn: (line: string) => void,
  ) {}

  /** Begins a run of `notebookFile` in its history; undefined (after `warn`) when that fails. */
  static begin(notebookFile: string, params: Record<string, JsonValue>, warn: (line: string) => void): RecordedRun | undefined {
    let store: RunStore | undefined;
    try {
      const location = runsDatabaseFor(dirname(notebookFile));
      store = RunStore.open(location.file);
      return new RecordedRun(store, store.begin({ notebook: notebookKey(location, notebookFile), params }), warn);
    } catch (e) {
      store?.close();
      warn(`wb run: not recorded in the run history: ${(e as Error).message}`);
      return undefined;
    }
  }

  get file(): string {
    return this.store.file;
  }

  metric = (name: string, value: number, step: number): void => {
    try {
      this.store.logMetric(this.id, name, value, step);
    } catch (e) {
      // Said once: a full disk should not print a line per training step, nor stop the run.
      if (!this.metricFailed) this.warn(`wb run: metrics are not being recorded in ${this.store.file}: ${(e as Error).message}`);
      this.metricFailed = true;
    }
  };

  /** Ends the run with the notebook's result, or as interrupted (Ctrl-C). */
  finish(end: RunEnd | 'interrupted'): void {
    if (this.ended) return;
    this.ended = true;
    const outcome: RunOutcome = end === 'interrupted' ? { status: 'interrupted' } : runOutcome(end);
    try {
      this.store.finish(this.id, outcome);
    } catch (e) {
      this.warn(`wb run: could not record how run ${this.id} ended in ${this.store.file}: ${(e as Error).message}`);
    } finally {
      this.store.close();
    }
  }
}

/** How a run ended, as the history stores it (also for the runs of a sweep, `sweeps.ts`). */
export function runOutcome(end: RunEnd): RunOutcome {
  const run = end.run;
  const error = end.error?.output_type === 'error' ? `${end.error.ename}: ${end.error.evalue}` : null;
  return {
    status: end.ok ? 'ok' : 'error',
    backend: run?.backend ?? null,
    versions: run ? { ...(run.node ? { node: run.node } : {}), ...run.packages } : undefined,
    seeds: run?.seeds,
    inputs: run?.files,
    models: run?.models ?? (run ? [] : undefined),
    failedCell: end.failedCell ?? null,
    error,
  };
}
