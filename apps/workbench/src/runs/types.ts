/**
 * The run history as the API, the CLI and the browser see it. Type-only (and free of Node
 * imports) so that the UI bundle can share it.
 */
import type { JsonValue } from '../notebook/types.js';

/** `running` until the run ends; a run whose process died stays `running`. */
export type RunStatus = 'running' | 'ok' | 'error' | 'interrupted';

export interface MetricPoint {
  step: number;
  value: number;
}

export interface RunSummary {
  id: number;
  /** The notebook, relative to the folder that holds `.wb/` (absolute when outside it). */
  notebook: string;
  /** ISO 8601. */
  started: string;
  finished: string | null;
  status: RunStatus;
  /** The `--param` values. */
  params: Record<string, JsonValue>;
  backend: string | null;
  /** `node` and every package the cells imported: name → version. */
  versions: Record<string, string>;
  /** The seeds set with `seed(n)`, in order. */
  seeds: number[];
  /** Files the cells read (models, data sets), relative to the notebook's folder. */
  inputs: Record<string, { sha256: string; bytes: number }>;
  /** Hugging Face hub models the cells read: repo id and commit. */
  models: Array<{ repo: string; commit: string }>;
  /** The index of the failing cell, when one failed. */
  failedCell: number | null;
  error: string | null;
  /** The last logged value (highest step) of each metric. */
  metrics: Record<string, MetricPoint>;
}

export interface RunDetail extends RunSummary {
  /** Every logged value of each metric, by step. */
  series: Record<string, MetricPoint[]>;
}
