/**
 * The fine-tuning loop, shared by the four tasks: a BERT's weights plus a fresh head become
 * variables; the embeddings and the first `freeze` layers stay fixed; AdamW with linear warmup and
 * decay runs over the training inputs in a new seeded order each epoch; after every epoch the dev
 * metrics are computed and, when the selection metric improves, `onBest` gets the weights (the
 * Node runner writes the checkpoint there). Browser-safe: nothing here touches files.
 * `runFinetuning` is the BERT part (which weights, which frozen); `trainEpochs` the rest, which the
 * ELMo backbone (elmo-task.ts) shares.
 *
 * The last batch of an epoch may be smaller (no example is dropped), as in Transformers' Trainer.
 * Dropout is not applied.
 */
import * as tf from '@tensorflow/tfjs-core';
import { bertTrainableAfterFreezing, deriveSeed, Trainer, type BertConfig, type BertWeights, type GradientHelpers, type Rng, type StepRecord } from '@wb/core';
import { initLinear } from '../heads/init-linear.js';
import { scaledPartLoss, splitBatch, type BatchPart } from './batch-parts.js';
import type { Metrics, PreparedTask } from './task.js';

export interface FinetuneSettings {
  epochs: number;
  /** Peak learning rate. */
  lr: number;
  batchSize: number;
  /** Tokens per input, special tokens included (cut to the model's positions). */
  maxLength: number;
  /** Freeze the embeddings and the first `freeze` layers; 0 trains everything. */
  freeze: number;
  seed: number;
  /** Fraction of all steps spent warming the learning rate up from 0. */
  warmupRatio: number;
  weightDecay: number;
  maxGradNorm: number;
  /** Inputs per forward pass when scoring dev. */
  evalBatchSize: number;
}

export const FINETUNE_DEFAULTS: FinetuneSettings = {
  epochs: 3,
  lr: 5e-5,
  batchSize: 32,
  maxLength: 128,
  freeze: 0,
  seed: 0,
  warmupRatio: 0.1,
  weightDecay: 0.01,
  maxGradNorm: 1,
  evalBatchSize: 64,
};

export interface StepProgress {
  epoch: number;
  /** Step within the epoch, from 1. */
  step: number;
  stepsPerEpoch: number;
  totalSteps: number;
}

export interface EpochResult {
  epoch: number;
  /** Mean training loss over the epoch's steps. */
  trainLoss: number;
  metrics: Metrics;
  /** Seconds of training (without evaluation) in this epoch, and of evaluating after it. */
  trainSeconds: number;
  evalSeconds: number;
  best: boolean;
}

export interface FinetuneHooks {
  onStep?: (record: StepRecord, progress: StepProgress) => void;
  onEpoch?: (result: EpochResult) => void;
  /** Called after an epoch whose selection metric beats every earlier one, with the live weights (before onEpoch). */
  onBest?: (weights: Record<string, tf.Variable>, result: EpochResult) => void | Promise<void>;
  onLog?: (message: string) => void;
  /** Called once before the first step. */
  onStart?: (info: { trainableParameters: number; frozenParameters: number; stepsPerEpoch: number; totalSteps: number }) => void;
}

export interface FinetuneResult {
  epochs: EpochResult[];
  bestEpoch: number;
  /** The weights after the last epoch (dispose when done). */
  params: Record<string, tf.Variable>;
  trainableParameters: number;
  frozenParameters: number;
}

/** Encoder weights the task keeps: never the pretraining heads, the pooler only for sequence classification. */
export function encoderWeightsFor(weights: BertWeights, usesPooler: boolean): BertWeights {
  return Object.fromEntries(
    Object.entries(weights).filter(([name]) => !name.startsWith('cls.') && (usesPooler || !name.startsWith('pooler.'))),
  );
}

export async function runFinetuning(
  base: { config: BertConfig; weights: BertWeights },
  task: PreparedTask,
  settings: FinetuneSettings,
  hooks: FinetuneHooks = {},
  /** Gradient workers (Node) that compute parts of each batch beside this thread; see trainEpochs. */
  helpers?: GradientHelpers<BatchPart>,
): Promise<FinetuneResult> {
  const { config } = base;
  if (!Number.isInteger(settings.freeze) || settings.freeze < 0 || settings.freeze > config.numHiddenLayers) {
    throw new Error(`freeze must be 0..${config.numHiddenLayers} (the model has ${config.numHiddenLayers} layers), got ${settings.freeze}`);
  }
  if (task.trainSize === 0) throw new Error('no training inputs');
  const log = hooks.onLog ?? (() => {});

  const weights = { ...encoderWeightsFor(base.weights, task.usesPooler), ...task.head };
  if (task.usesPooler && !weights['pooler.dense.weight']) {
    // A checkpoint without a pooler (e.g. BertForMaskedLM): Transformers initialises it at random too.
    log('the model has no pooler; initialising one');
    Object.assign(weights, initLinear('pooler.dense', config.hiddenSize, config.hiddenSize, config.initializerRange, deriveSeed(settings.seed, 2)));
  }
  const trainable = bertTrainableAfterFreezing(settings.freeze);
  // Frozen weights are variables too (so the one object serves forward, evaluation and saving), just never updated.
  const params = Object.fromEntries(Object.entries(weights).map(([name, t]) => [name, tf.variable(t, trainable(name))]));
  return trainEpochs(params, trainable, task, settings, hooks, { helpers });
}

/** What the epoch loop needs of a task, whatever the backbone (PreparedTask is one; so is an ELMo task). */
export type LoopTask = Pick<PreparedTask, 'trainSize' | 'tokens' | 'loss' | 'lossTerms' | 'evaluate' | 'selectBy' | 'prepare'>;

/**
 * The backbone-independent part of fine-tuning: AdamW over the `trainable` variables of `params`,
 * epochs in a seeded order, dev metrics after each, `onBest` when the selection metric improves.
 *
 * With `helpers`, each batch is cut into one part per process (batch-parts.ts): the helpers compute
 * the gradients of theirs while this thread computes its own, and the update is the batch's, up to
 * the rounding of adding the parts' gradients.
 */
export async function trainEpochs(
  params: Record<string, tf.Variable>,
  trainable: (name: string) => boolean,
  task: LoopTask,
  settings: FinetuneSettings,
  hooks: FinetuneHooks = {},
  options: {
    /** Frozen parameters held outside `params` (an ELMo's biLM), counted in the log and the result. */
    outsideFrozen?: number;
    helpers?: GradientHelpers<BatchPart>;
  } = {},
): Promise<FinetuneResult> {
  const { outsideFrozen = 0, helpers } = options;
  if (task.trainSize === 0) throw new Error('no training inputs');
  const log = hooks.onLog ?? (() => {});
  const size = (names: string[]) => names.reduce((sum, name) => sum + params[name].size, 0);
  const trainableNames = Object.keys(params).filter(trainable);
  const frozenNames = Object.keys(params).filter((name) => !trainable(name));
  const frozenSize = size(frozenNames) + outsideFrozen;

  const stepsPerEpoch = Math.ceil(task.trainSize / settings.batchSize);
  const totalSteps = stepsPerEpoch * settings.epochs;
  // One seeded order per epoch, drawn from the trainer's data Rng when an epoch starts.
  let order: number[] = [];
  let cursor = 0;
  // The parts of the batch being handed out, one per process (a single part, the batch, without helpers).
  const parts = (helpers?.count ?? 0) + 1;
  let pending: BatchPart[] = [];
  const trainer = new Trainer<BatchPart>({
    params,
    trainable,
    lossFn: (part) => ({ loss: scaledPartLoss(task.loss(params, part.indices), part) }),
    nextBatch: (rng: Rng) => {
      if (pending.length === 0) {
        if (cursor === 0) order = rng.shuffle(Array.from({ length: task.trainSize }, (_, i) => i));
        pending = splitBatch(order.slice(cursor, cursor + settings.batchSize), parts, (indices) => task.lossTerms?.(indices) ?? indices.length);
        cursor = cursor + settings.batchSize >= task.trainSize ? 0 : cursor + settings.batchSize;
      }
      const part = pending.shift()!;
      return { batch: part, tokens: part.scale > 0 ? task.tokens(part.indices) : 0 };
    },
    accumulation: parts,
    helpers,
    totalSteps,
    learningRate: settings.lr,
    warmupSteps: Math.round(settings.warmupRatio * totalSteps),
    maxGradNorm: settings.maxGradNorm,
    seed: settings.seed,
    adamw: { weightDecay: settings.weightDecay },
  });
  log(
    `${task.trainSize} training inputs, ${settings.epochs} epoch(s) × ${stepsPerEpoch} steps; ` +
      `training ${size(trainableNames).toLocaleString('en')} parameters, ${frozenSize.toLocaleString('en')} frozen`,
  );

  await task.prepare?.(params);
  hooks.onStart?.({ trainableParameters: size(trainableNames), frozenParameters: frozenSize, stepsPerEpoch, totalSteps });

  const epochs: EpochResult[] = [];
  let bestEpoch = 0;
  let bestScore = -Infinity;
  for (let epoch = 1; epoch <= settings.epochs; epoch++) {
    const trainStarted = performance.now();
    let lossSum = 0;
    for (let step = 1; step <= stepsPerEpoch; step++) {
      // Read asynchronously: the Browser kernel trains on WebGPU, which cannot read a tensor synchronously.
      const record = await trainer.stepAsync();
      lossSum += record.loss;
      hooks.onStep?.(record, { epoch, step, stepsPerEpoch, totalSteps });
    }
    const trainSeconds = (performance.now() - trainStarted) / 1000;
    const evalStarted = performance.now();
    const metrics = await task.evaluate(params, { batchSize: settings.evalBatchSize });
    // A NaN metric (say, F1 with no entities at all) counts as the worst score, not as "never best".
    const score = Number.isNaN(metrics[task.selectBy]) ? -Infinity : metrics[task.selectBy];
    const best = bestEpoch === 0 || score > bestScore;
    const result: EpochResult = { epoch, trainLoss: lossSum / stepsPerEpoch, metrics, trainSeconds, evalSeconds: (performance.now() - evalStarted) / 1000, best };
    epochs.push(result);
    if (best) {
      bestScore = score;
      bestEpoch = epoch;
      await hooks.onBest?.(params, result);
    }
    hooks.onEpoch?.(result);
  }
  trainer.optimizer.dispose();
  return { epochs, bestEpoch, params, trainableParameters: size(trainableNames), frozenParameters: frozenSize };
}
