/**
 * What the fine-tuning loop needs from a task, whichever of the four BERT applications it is:
 * training features and their loss, a fresh head, and the dev metrics after each epoch. Each task
 * file (classification-task.ts, token-task.ts, qa-task.ts) builds one from its data.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { BertConfig, BertTokenizer, BertWeights } from '@wb/core';
import type { ClassifierPooling } from '../heads/sequence-classification.js';
import type { TaskLossName } from './worker-losses.js';

/** `csv` is sentence classification like `sst2`, from chosen columns of a CSV file (e.g. seed 004's tweets). */
export type FinetuneTaskName = 'sst2' | 'pair' | 'conll' | 'qa' | 'csv';

/** The tasks whose head classifies the whole input (one label per text or pair). */
export type ClassificationTaskName = 'sst2' | 'pair' | 'csv';

export type BertArchitecture = 'BertForSequenceClassification' | 'BertForTokenClassification' | 'BertForQuestionAnswering';

export const ARCHITECTURE_OF: Record<FinetuneTaskName, BertArchitecture> = {
  sst2: 'BertForSequenceClassification',
  pair: 'BertForSequenceClassification',
  conll: 'BertForTokenClassification',
  qa: 'BertForQuestionAnswering',
  csv: 'BertForSequenceClassification',
};

/** Metrics as printed and written to metrics.json (snake_case keys, fractions in [0, 1]). */
export type Metrics = Record<string, number>;

/** A BERT with a task head: encoder (+ pooler) and head tensors in one object, HF names without `bert.`. */
export interface BertWithHead {
  config: BertConfig;
  weights: BertWeights;
  tokenizer: BertTokenizer;
}

export interface EvaluateOptions {
  /** Inputs per forward pass (default 64). */
  batchSize?: number;
  /** Called after each forward pass with the number of inputs it held. */
  onBatch?: (inputs: number) => void;
}

export interface PreparedTask {
  task: FinetuneTaskName;
  architecture: BertArchitecture;
  /** Freshly initialised head tensors (held [in, out]). */
  head: BertWeights;
  /** Sequence classification reads the pooler; token classification and QA have none. */
  usesPooler: boolean;
  /** Training inputs: sentences, word chunks (CoNLL) or question windows (QA). */
  trainSize: number;
  /** Non-padding tokens of these training inputs (for tokens/s). */
  tokens(indices: readonly number[]): number;
  /** Mean loss over these training inputs, differentiable in `weights`. */
  loss(weights: BertWeights, indices: readonly number[]): tf.Scalar;
  /** How many terms that mean is over, when not one per input (token classification: the labelled words). */
  lossTerms?(indices: readonly number[]): number;
  /**
   * The same loss as a gradient worker builds it (`wb finetune --workers`, worker-losses.ts): which
   * task loss, and the plain training data it reads.
   */
  workerLoss?: { loss: TaskLossName; data: unknown };
  /** Dev metrics with the given weights. */
  evaluate(weights: BertWeights, options?: EvaluateOptions): Promise<Metrics>;
  /** The dev metric that picks the best epoch (higher is better). */
  selectBy: string;
  /** Fields for config.json: labels, classifier pooling, ... */
  configJson: Record<string, unknown>;
  /** Called once before the first step, with the weights training starts from (a task may cache what they fix). */
  prepare?(weights: BertWeights): Promise<void>;
  /** Frees what `prepare` kept; the task still evaluates afterwards, the slow way. */
  dispose?(): void;
}

export interface TaskSettings {
  maxLength: number;
  seed: number;
  pooling?: ClassifierPooling;
  /** Every encoder layer is frozen (only the head trains), so what the head reads can be computed once. */
  frozenEncoder?: boolean;
}

/** `id2label` / `label2id` / `num_labels` for config.json, as Transformers writes them. */
export function labelConfig(labelNames: readonly string[]): Record<string, unknown> {
  return {
    id2label: Object.fromEntries(labelNames.map((name, id) => [String(id), name])),
    label2id: Object.fromEntries(labelNames.map((name, id) => [name, id])),
    num_labels: labelNames.length,
  };
}
