/**
 * Learning rate: linear warmup from 0 to the peak over `warmupSteps`, then linear decay to 0 at
 * `totalSteps` (BERT's schedule, Hugging Face's get_linear_schedule_with_warmup). `step` counts
 * updates from 0.
 */
export function linearWarmupDecay(step: number, peak: number, warmupSteps: number, totalSteps: number): number {
  if (warmupSteps > 0 && step < warmupSteps) return (peak * (step + 1)) / warmupSteps;
  const remaining = totalSteps - step;
  const decaySteps = Math.max(1, totalSteps - warmupSteps);
  return Math.max(0, (peak * remaining) / decaySteps);
}
