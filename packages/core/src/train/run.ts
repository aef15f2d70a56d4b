/**
 * A training run on disk (Node): resume from `OUT/train-state/` when asked, step until done while
 * saving the state every `checkpointEvery` steps (and at the end), and keep the loss curve beside it.
 * Pretraining and fine-tuning commands share it.
 */
import * as tf from '@tensorflow/tfjs-core';
import { loadTrainingState, saveTrainingState, writeLossCurve } from './state-files.js';
import type { StepRecord, Trainer } from './trainer.js';

export interface TrainingRunHooks {
  onStep?: (record: StepRecord, totalSteps: number) => void;
  onLog?: (message: string) => void;
  /** Save the training state every this many steps (default 50) and at the end. */
  checkpointEvery?: number;
  /** Stop (with the state saved) after this step, as if killed; for tests. */
  stopAfter?: number;
  /** Continue from the state saved in the output folder. */
  resume?: boolean;
}

/** Runs `trainer` to its last step; false when `stopAfter` stopped it first. */
export function runTraining<B>(trainer: Trainer<B>, outDir: string, settings: Record<string, unknown>, hooks: TrainingRunHooks = {}): boolean {
  const log = hooks.onLog ?? (() => {});
  if (hooks.resume) {
    const saved = loadTrainingState(outDir, settings);
    if (saved) {
      trainer.restore(saved);
      tf.dispose(Object.values(saved.tensors));
      log(`resumed at step ${trainer.state.step}`);
    } else log(`nothing to resume in ${outDir}; starting fresh`);
  }
  const every = hooks.checkpointEvery ?? 50;
  while (!trainer.done) {
    const record = trainer.step();
    hooks.onStep?.(record, trainer.options.totalSteps);
    if (record.step % every === 0 || trainer.done) {
      const saved = trainer.save();
      saveTrainingState(outDir, saved, settings);
      tf.dispose(Object.values(saved.tensors));
      writeLossCurve(outDir, trainer.state.history);
    }
    if (hooks.stopAfter !== undefined && record.step >= hooks.stopAfter) return false;
  }
  return true;
}

/** Mean of `pick` over the last `count` steps, for "final loss" summaries. */
export function meanOfLastSteps(history: StepRecord[], pick: (r: StepRecord) => number, count = 50): number {
  const last = history.slice(-Math.min(count, history.length));
  return last.reduce((s, r) => s + pick(r), 0) / last.length;
}

/** What `training.json` records about a finished run (the model's own loss parts come in `finalLoss`). */
export function trainingSummary<B>(model: string, settings: object, trainer: Trainer<B>, finalLoss: Record<string, number>) {
  return {
    model,
    settings: { ...settings },
    steps: trainer.state.step,
    tokensSeen: trainer.state.tokensSeen,
    trainingSeconds: Math.round(trainer.state.elapsed),
    finalLoss: { ...finalLoss, overLastSteps: Math.min(50, trainer.state.step) },
    backend: tf.getBackend(),
  };
}
