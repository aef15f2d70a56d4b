/**
 * Messages between a kernel and whoever drives it (the server, `wb run`, the notebook page). The
 * Node kernel's child process speaks it over IPC; the browser kernel's Web Worker over postMessage
 * (`browser/worker-protocol.ts` adds how a worker starts and ends). Outputs are nbformat outputs,
 * so they go into the notebook unchanged.
 */
import type { MimeBundle, Output, RunRecord } from '../notebook/types.js';

export type KernelState = 'starting' | 'idle' | 'busy' | 'dead';

/** Driver → kernel. `seq` numbers executions; it only grows during a kernel's life. */
export type KernelRequest =
  | { type: 'execute'; seq: number; code: string }
  | { type: 'interrupt'; seq: number }
  | { type: 'shutdown' };

export type ReplyStatus = 'ok' | 'error' | 'aborted';

/** Kernel → driver. */
export type KernelEvent =
  | { type: 'ready'; backend: string; versions: Record<string, string> }
  | { type: 'execute_input'; seq: number; executionCount: number }
  | { type: 'output'; seq: number; output: Output }
  | { type: 'update_display'; displayId: string; data: MimeBundle; metadata: Record<string, never> | MimeBundle }
  | { type: 'clear_output'; seq: number; wait: boolean }
  /** `logMetric(name, value, step)` in a cell (see `metrics.ts`). */
  | { type: 'metric'; seq: number; name: string; value: number; step: number }
  | { type: 'execute_reply'; seq: number; status: ReplyStatus; executionCount: number | null; run: RunRecord };
