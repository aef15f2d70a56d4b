/**
 * Sentence classification (SST-2) and sentence-pair classification (`pair`: paraphrase,
 * entailment, ...): one label per input from the classifier on the pooled [CLS] vector. The two
 * tasks differ only in the input, one text or `[CLS] A [SEP] B [SEP]`; the head is the same.
 * Dev metrics: accuracy and macro-F1.
 */
import * as tf from '@tensorflow/tfjs-core';
import { crossEntropy, deriveSeed, type BertConfig, type BertTokenizer, type BertWeights } from '@wb/core';
import { lengthSortedBatches, padBatch, toBertInputs, type TokenizedInput } from '../heads/padded-batch.js';
import {
  clsStates,
  initSequenceClassificationHead,
  logitsFromClsStates,
  sequenceClassificationLogits,
  type ClassifierPooling,
} from '../heads/sequence-classification.js';
import { accuracy } from '../metrics/accuracy.js';
import { macroF1 } from '../metrics/precision-recall-f1.js';
import { labelConfig, type BertWithHead, type ClassificationTaskName, type EvaluateOptions, type Metrics, type PreparedTask, type TaskSettings } from './task.js';

export interface ClassificationExample {
  text: string;
  /** The second sentence of a pair. */
  textPair?: string;
  /** Label id (index into the label names). */
  label: number;
}

/** Token ids of each example, cut to maxLength (the longer text of a pair first, as HF's 'longest_first'). */
export function encodeClassificationInputs(
  tokenizer: BertTokenizer,
  examples: readonly { text: string; textPair?: string }[],
  maxLength: number,
): TokenizedInput[] {
  return examples.map((example) => {
    const encoding = tokenizer.encode(example.text, example.textPair ?? null, { maxLength, truncation: true });
    return { ids: encoding.ids, typeIds: encoding.tokenTypeIds };
  });
}

interface ClassifyOptions extends EvaluateOptions {
  pooling?: ClassifierPooling;
}

/** Logits (one row of numLabels per input), in input order; batches are formed by length. */
async function classificationLogits(model: BertWithHead, inputs: readonly TokenizedInput[], options: ClassifyOptions = {}): Promise<Float32Array[]> {
  const rows: Float32Array[] = new Array(inputs.length);
  for (const batch of lengthSortedBatches(inputs.map((input) => input.ids.length), options.batchSize ?? 64)) {
    const padded = padBatch(batch.map((i) => inputs[i]), model.tokenizer.padTokenId);
    const logits = tf.tidy(() => sequenceClassificationLogits(model.weights, model.config, toBertInputs(padded), { pooling: options.pooling }));
    const numLabels = logits.shape[1];
    const data = (await logits.data()) as Float32Array;
    logits.dispose();
    batch.forEach((i, b) => (rows[i] = data.slice(b * numLabels, (b + 1) * numLabels)));
    options.onBatch?.(batch.length);
  }
  return rows;
}

function argmax(row: ArrayLike<number>): number {
  let best = 0;
  for (let k = 1; k < row.length; k++) if (row[k] > row[best]) best = k;
  return best;
}

/** Accuracy and macro-F1 (over the labels that occur in gold or predictions, as scikit-learn). */
export function classificationMetrics(gold: readonly number[], predicted: readonly number[]): Metrics {
  return { accuracy: accuracy(gold, predicted), macro_f1: macroF1(gold, predicted), n: gold.length };
}

export async function evaluateClassification(
  model: BertWithHead,
  examples: readonly ClassificationExample[],
  options: ClassifyOptions & { maxLength: number; inputs?: readonly TokenizedInput[] },
): Promise<Metrics> {
  if (examples.length === 0) throw new Error('evaluateClassification: no examples');
  const inputs = options.inputs ?? encodeClassificationInputs(model.tokenizer, examples, options.maxLength);
  const logits = await classificationLogits(model, inputs, options);
  return classificationMetrics(
    examples.map((e) => e.label),
    logits.map(argmax),
  );
}

/** The top-layer [CLS] state of every input, [inputs, hidden], in input order (batches formed by length). */
async function clsStatesOf(
  model: BertWithHead,
  inputs: readonly TokenizedInput[],
  options: EvaluateOptions = {},
): Promise<tf.Tensor2D> {
  const hidden = model.config.hiddenSize;
  const rows = new Float32Array(inputs.length * hidden);
  for (const batch of lengthSortedBatches(inputs.map((input) => input.ids.length), options.batchSize ?? 64)) {
    const padded = padBatch(batch.map((i) => inputs[i]), model.tokenizer.padTokenId);
    const cls = tf.tidy(() => clsStates(model.weights, model.config, toBertInputs(padded)));
    const data = (await cls.data()) as Float32Array;
    cls.dispose();
    batch.forEach((i, b) => rows.set(data.subarray(b * hidden, (b + 1) * hidden), i * hidden));
    options.onBatch?.(batch.length);
  }
  return tf.tensor2d(rows, [inputs.length, hidden]);
}

/** What the training loss reads, as plain data (a gradient worker receives it as it is). */
export interface ClassificationTrainingData {
  config: BertConfig;
  padTokenId: number;
  pooling: ClassifierPooling;
  inputs: readonly TokenizedInput[];
  labels: Int32Array;
}

/** Mean cross-entropy of these training inputs' labels, through the encoder and the head. */
export function classificationLoss(weights: BertWeights, data: ClassificationTrainingData, indices: readonly number[]): tf.Scalar {
  const padded = padBatch(indices.map((i) => data.inputs[i]), data.padTokenId);
  const logits = sequenceClassificationLogits(weights, data.config, toBertInputs(padded), { pooling: data.pooling });
  return crossEntropy(logits, Int32Array.from(indices, (i) => data.labels[i]));
}

export function prepareClassificationTask(
  task: ClassificationTaskName,
  model: { config: BertConfig; tokenizer: BertTokenizer },
  data: { train: readonly ClassificationExample[]; dev: readonly ClassificationExample[]; labelNames: readonly string[] },
  settings: TaskSettings,
): PreparedTask {
  const { config, tokenizer } = model;
  const pooling = settings.pooling ?? 'pooler';
  const numLabels = data.labelNames.length;
  for (const [split, examples] of [['train', data.train], ['dev', data.dev]] as const) {
    const bad = examples.findIndex((e) => !(Number.isInteger(e.label) && e.label >= 0 && e.label < numLabels));
    if (bad >= 0) throw new Error(`${split} example ${bad}: label ${examples[bad].label} is outside the ${numLabels} labels`);
  }
  // Tokenise once; every epoch reuses the ids.
  const trainInputs = encodeClassificationInputs(tokenizer, data.train, settings.maxLength);
  const devInputs = encodeClassificationInputs(tokenizer, data.dev, settings.maxLength);
  const labels = Int32Array.from(data.train, (e) => e.label);
  const trainingData: ClassificationTrainingData = { config, padTokenId: tokenizer.padTokenId, pooling, inputs: trainInputs, labels };
  // A frozen encoder gives every input the same [CLS] state in every epoch (no dropout here): it
  // runs once over train and dev in `prepare`, and the epochs train the pooler and classifier on
  // the stored states, as fast as a logistic regression on features.
  let frozen: { train: tf.Tensor2D; dev: tf.Tensor2D } | undefined;
  return {
    task,
    architecture: 'BertForSequenceClassification',
    head: initSequenceClassificationHead(config, numLabels, deriveSeed(settings.seed, 1)),
    usesPooler: pooling === 'pooler',
    trainSize: trainInputs.length,
    tokens: (indices) => indices.reduce((sum, i) => sum + trainInputs[i].ids.length, 0),
    loss(weights, indices) {
      if (!frozen) return classificationLoss(weights, trainingData, indices);
      const cls = tf.gather(frozen.train, Int32Array.from(indices), 0);
      return crossEntropy(logitsFromClsStates(weights, cls, pooling), Int32Array.from(indices, (i) => labels[i]));
    },
    workerLoss: { loss: 'classificationLoss', data: trainingData },
    async evaluate(weights, options = {}) {
      if (!frozen) return evaluateClassification({ config, weights, tokenizer }, data.dev, { ...options, pooling, maxLength: settings.maxLength, inputs: devInputs });
      const logits = logitsFromClsStates(weights, frozen.dev, pooling);
      const rows = (await logits.array()) as number[][];
      logits.dispose();
      return classificationMetrics(data.dev.map((e) => e.label), rows.map(argmax));
    },
    async prepare(weights) {
      if (!settings.frozenEncoder || frozen) return;
      const model = { config, weights, tokenizer };
      frozen = { train: await clsStatesOf(model, trainInputs), dev: await clsStatesOf(model, devInputs) };
    },
    dispose() {
      if (frozen) tf.dispose([frozen.train, frozen.dev]);
      frozen = undefined;
    },
    selectBy: 'accuracy',
    configJson: { ...labelConfig(data.labelNames), classifier_pooling: pooling },
  };
}
