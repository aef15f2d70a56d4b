/** Sweeps as the API, the CLI and the browser see them. Type-only, like `types.ts`. */
import type { JsonValue } from '../notebook/types.js';
import type { RunDetail } from './types.js';

export type SweepStatus = 'running' | 'done' | 'cancelled';

export interface SweepInfo {
  id: string;
  /** The spec as `wb sweep` read it. */
  spec: JsonValue;
  /** The metric the sweep reports. */
  metric: string;
  /** How many points it queued. */
  points: number;
  created: string;
  finished: string | null;
  status: SweepStatus;
}

/** One point's run, with where and how it ran. */
export interface SweepPointRun extends RunDetail {
  point: number;
  worker: string | null;
  attempts: number;
  outputSha256: string | null;
}
