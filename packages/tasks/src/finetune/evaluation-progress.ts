/**
 * Scoring a folder reports how far it is to the work listener (a notebook cell's live bar, see
 * @wb/core's `startWork`) besides the caller's own `onTotal`/`onBatch` hooks (the CLI's bar).
 */
import { startWork, type WorkProgress } from '@wb/core';

interface EvaluationHooks {
  onTotal?: (inputs: number) => void;
  onBatch?: (inputs: number) => void;
}

/** `options` with hooks that also report; call `finish` when the scoring is done. */
export function reportingEvaluation<O extends EvaluationHooks>(options: O): { options: O; finish(): void } {
  let progress: WorkProgress | undefined;
  return {
    options: {
      ...options,
      onTotal(inputs: number) {
        options.onTotal?.(inputs);
        progress = startWork({ kind: 'evaluation', label: 'evaluating', unit: 'inputs', total: inputs });
      },
      onBatch(inputs: number) {
        options.onBatch?.(inputs);
        progress?.advance(inputs);
      },
    },
    finish: () => progress?.finish(),
  };
}
