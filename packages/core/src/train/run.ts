/**
 * A training run on disk (Node): resume from `OUT/train-state/` when asked, step until done while
 * saving the state every `checkpointEvery` steps (and at the end), and keep the loss curve beside it.
 * At each checkpoint the weights are also written to OUT as the family's model folder, so that a long
 * run can be looked at (`wb fill-mask`, `wb eval`, a notebook) while it goes on, as Transformers'
 * Trainer saves a loadable checkpoint; `training.json` appears only once the run has finished.
 * Pretraining and distillation commands share it.
 */
import * as tf from '@tensorflow/tfjs-core';
import { EvalCurve, loadTrainingState, saveTrainingState, writeLossCurve } from './state-files.js';
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
  /**
   * Held-out evaluation every `every` steps (and at the end), appended to `eval.csv` beside the loss
   * curve; it reads the weights only, so a run with and without it trains the same.
   */
  evaluate?: { every: number; run: () => Record<string, number> };
  /** Values earlier versions recorded for these same settings, which a saved state may hold and still resume (see loadTrainingState). */
  legacySettings?: Record<string, unknown>;
}

/**
 * The `legacySettings` for settings added to a run after some runs were saved: those runs recorded
 * nothing for them and ran as their defaults do, so they resume while each such setting is at its default.
 */
export function unrecordedAtDefault<S extends object>(settings: S, defaults: Partial<S>, addedLater: readonly (keyof S & string)[]): Record<string, undefined> {
  return Object.fromEntries(addedLater.filter((key) => settings[key] === defaults[key]).map((key) => [key, undefined]));
}

/**
 * Runs `trainer` to its last step; false when `stopAfter` stopped it first. `saveModel` writes the
 * current weights as a model folder into `outDir`; it runs at every checkpoint, the last one included.
 * The trainer's gradient helpers, if any, are closed when it returns or throws.
 */
export async function runTraining<B>(
  trainer: Trainer<B>,
  outDir: string,
  settings: Record<string, unknown>,
  saveModel: () => void | Promise<void>,
  hooks: TrainingRunHooks = {},
): Promise<boolean> {
  const log = hooks.onLog ?? (() => {});
  try {
    if (hooks.resume) {
      const saved = loadTrainingState(outDir, settings, hooks.legacySettings);
      if (saved) {
        trainer.restore(saved);
        tf.dispose(Object.values(saved.tensors));
        log(`resumed at step ${trainer.state.step}`);
        const split = trainer.state.batchSplitChanges?.at(-1);
        if (split?.atStep === trainer.state.step) {
          log(`updates of ${split.from.batchSize} × ${split.from.accumulation} examples are now ${split.to.batchSize} × ${split.to.accumulation} (training.json records the change)`);
        }
        const change = trainer.state.stepsChanges?.at(-1);
        if (change?.atStep === trainer.state.step) {
          log(`--steps changed from ${change.from} to ${change.to}: from here the learning rate follows the schedule of a ${change.to}-step run (training.json records the change)`);
        }
      } else log(`nothing to resume in ${outDir}; starting fresh`);
    }
    const every = hooks.checkpointEvery ?? 50;
    const evalCurve = hooks.evaluate && new EvalCurve(outDir, trainer.state.step);
    while (!trainer.done) {
      const record = trainer.options.helpers ? await trainer.stepAsync() : trainer.step();
      hooks.onStep?.(record, trainer.options.totalSteps);
      if (evalCurve && hooks.evaluate && (record.step % hooks.evaluate.every === 0 || trainer.done)) {
        const metrics = hooks.evaluate.run();
        evalCurve.add(record.step, trainer.state.tokensSeen, metrics);
        log(`held-out at step ${record.step}: ${Object.entries(metrics).map(([k, v]) => `${k} ${v.toFixed(4)}`).join(', ')}`);
      }
      if (record.step % every === 0 || trainer.done) {
        // The model first: a saved state at step N means the folder holds step N's weights.
        await saveModel();
        const saved = trainer.save();
        saveTrainingState(outDir, saved, settings);
        tf.dispose(Object.values(saved.tensors));
        writeLossCurve(outDir, trainer.state.history);
      }
      if (hooks.stopAfter !== undefined && record.step >= hooks.stopAfter) return false;
    }
    return true;
  } finally {
    // The run owns its gradient workers' threads from here: they end with it, stopped or finished.
    await trainer.options.helpers?.close();
  }
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
    ...(trainer.state.stepsChanges ? { stepsChanges: trainer.state.stepsChanges } : {}),
    ...(trainer.state.batchSplitChanges ? { batchSplitChanges: trainer.state.batchSplitChanges } : {}),
    finalLoss: { ...finalLoss, overLastSteps: Math.min(50, trainer.state.step) },
    backend: tf.getBackend(),
  };
}
