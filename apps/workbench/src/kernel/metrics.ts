/**
 * `logMetric(name, value, step?)` in cells: sends a number to whoever drives the kernel, as a
 * `metric` event. `wb run` stores it in the run history (`src/runs/`), where runs are compared
 * side by side and plotted against the step. Without a step, each name counts its own steps
 * from 0 (the first loss is step 0, the next step 1, ...).
 */
import type { KernelEvent } from './protocol.js';

export type LogMetric = (name: string, value: number, step?: number) => void;

export function makeLogMetric(emit: (event: KernelEvent) => void, seq: () => number): LogMetric {
  const nextStep = new Map<string, number>();
  return (name: string, value: number, step?: number): void => {
    if (typeof name !== 'string' || name.trim() === '') throw new TypeError(`logMetric: the name must be a non-empty string, got ${JSON.stringify(name)}`);
    // A tensor or a string here is an easy slip (`loss` instead of `loss.dataSync()[0]`).
    if (typeof value !== 'number') throw new TypeError(`logMetric: "${name}": the value must be a number, got ${typeof value === 'object' && value !== null ? (value as object).constructor?.name ?? 'an object' : typeof value}`);
    // JSON (the kernel's channel and the history's parameters) has no NaN or Infinity.
    if (!Number.isFinite(value)) throw new RangeError(`logMetric: "${name}": the value must be finite, got ${value}`);
    if (step !== undefined && !(Number.isInteger(step) && step >= 0)) throw new RangeError(`logMetric: "${name}": the step must be an integer ≥ 0, got ${step}`);
    const at = step ?? nextStep.get(name) ?? 0;
    nextStep.set(name, Math.max(at + 1, nextStep.get(name) ?? 0));
    emit({ type: 'metric', seq: seq(), name, value, step: at });
  };
}
