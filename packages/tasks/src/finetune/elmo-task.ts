/**
 * ELMo as a task backbone, the way the ELMo paper uses it: the biLM's weights stay frozen and a
 * task-specific ScalarMix (softmax-normalised layer weights s_k and a scale gamma) learns how much
 * of each layer the task wants; a small task model reads the mixed vectors.
 * - sst2: mix → mean over the words (padding masked out) → linear classifier;
 * - conll: mix → a linear layer on every word → its tag. ELMo reads whole words, so the CoNLL
 *   tokens go in as they are (no WordPiece alignment as for BERT).
 * The trainable head is four tensors (ELMO_HEAD_NAMES); the epoch loop is loop.ts's trainEpochs.
 * Browser-safe: nothing here touches files (elmo-folder.ts saves and loads).
 */
import * as tf from '@tensorflow/tfjs-core';
import { crossEntropy, crossEntropyIgnoring, dense, deriveSeed, scalarMix, type ElmoModel } from '@wb/core';
import { initLinear } from '../heads/init-linear.js';
import { lengthSortedBatches } from '../heads/padded-batch.js';
import { classificationMetrics, type ClassificationExample } from './classification-task.js';
import type { LoopTask } from './loop.js';
import type { EvaluateOptions } from './task.js';
import { wordTagMetrics, type TaggedSentence } from './token-task.js';

export type ElmoTaskName = 'sst2' | 'csv' | 'conll';

/** The trainable tensors, as saved in head.safetensors. */
export const ELMO_HEAD_NAMES = {
  scalarParameters: 'scalar_mix.scalar_parameters',
  gamma: 'scalar_mix.gamma',
  weight: 'classifier.weight',
  bias: 'classifier.bias',
} as const;

export type ElmoHead = Record<string, tf.Tensor>;

/** A fresh head: equal layer weights (s = 0) and gamma 1 as AllenNLP's ScalarMix; classifier ~ N(0, 0.02). */
export function initElmoHead(model: ElmoModel, numLabels: number, seed: number): ElmoHead {
  return {
    [ELMO_HEAD_NAMES.scalarParameters]: tf.zeros([model.numLayers]),
    [ELMO_HEAD_NAMES.gamma]: tf.scalar(1),
    ...initLinear('classifier', model.dim, numLabels, 0.02, deriveSeed(seed, 1)),
  };
}

/** Checks a loaded head against the model and the label count, with an error that says what is off. */
export function checkElmoHead(head: ElmoHead, model: ElmoModel, numLabels: number, source: string): void {
  const expected: Record<string, number[]> = {
    [ELMO_HEAD_NAMES.scalarParameters]: [model.numLayers],
    [ELMO_HEAD_NAMES.gamma]: [],
    [ELMO_HEAD_NAMES.weight]: [model.dim, numLabels],
    [ELMO_HEAD_NAMES.bias]: [numLabels],
  };
  for (const [name, shape] of Object.entries(expected)) {
    const t = head[name];
    if (!t) throw new Error(`${source}: no tensor ${name} (expected ${Object.keys(expected).join(', ')})`);
    if (t.shape.join(',') !== shape.join(',')) throw new Error(`${source}: ${name} is [${t.shape}], expected [${shape}] for this ELMo and ${numLabels} labels`);
  }
}

/** The mixed representation [batch, time, dim] and the word mask [batch, time]. The biLM itself is never a variable. */
function mixed(model: ElmoModel, head: ElmoHead, sentences: string[][]): { mix: tf.Tensor3D; mask: tf.Tensor2D } {
  const { layers, mask } = model.run(sentences);
  const mix = scalarMix(layers, head[ELMO_HEAD_NAMES.scalarParameters], head[ELMO_HEAD_NAMES.gamma], { mask }) as tf.Tensor3D;
  tf.dispose(layers);
  return { mix, mask };
}

/** Sentence logits [batch, labels]: the classifier on the mean of the mixed word vectors. */
function elmoSentenceLogits(model: ElmoModel, head: ElmoHead, sentences: string[][]): tf.Tensor2D {
  return tf.tidy(() => {
    const { mix, mask } = mixed(model, head, sentences);
    const summed = tf.sum(tf.mul(mix, tf.expandDims(mask, 2)), 1);
    const mean = tf.div(summed, tf.maximum(tf.sum(mask, 1, true), 1)); // an empty sentence gives the zero vector, not NaN
    return dense(mean, head[ELMO_HEAD_NAMES.weight], head[ELMO_HEAD_NAMES.bias]);
  });
}

/** Word logits [batch * time, labels] (padding positions included; the caller masks them). */
function elmoWordLogits(model: ElmoModel, head: ElmoHead, sentences: string[][]): tf.Tensor2D {
  return tf.tidy(() => {
    const { mix } = mixed(model, head, sentences);
    return dense(tf.reshape(mix, [-1, model.dim]), head[ELMO_HEAD_NAMES.weight], head[ELMO_HEAD_NAMES.bias]);
  });
}

function argmaxRows(data: Float32Array, rows: number, cols: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let k = 1; k < cols; k++) if (data[r * cols + k] > data[r * cols + best]) best = k;
    out.push(best);
  }
  return out;
}

/** Predicted label ids of sentences, in input order; batches are formed by length (less padding). */
export async function predictElmoSentences(model: ElmoModel, head: ElmoHead, sentences: string[][], options: EvaluateOptions = {}): Promise<number[]> {
  const predicted: number[] = new Array(sentences.length);
  for (const batch of lengthSortedBatches(sentences.map((s) => s.length), options.batchSize ?? 64)) {
    const logits = elmoSentenceLogits(model, head, batch.map((i) => sentences[i]));
    const best = argmaxRows((await logits.data()) as Float32Array, logits.shape[0], logits.shape[1]);
    logits.dispose();
    batch.forEach((i, b) => (predicted[i] = best[b]));
    options.onBatch?.(batch.length);
  }
  return predicted;
}

/** Predicted tag of every word of every sentence. */
export async function predictElmoTags(
  model: ElmoModel,
  head: ElmoHead,
  sentences: readonly (readonly string[])[],
  labelNames: readonly string[],
  options: EvaluateOptions = {},
): Promise<string[][]> {
  const predicted: string[][] = new Array(sentences.length);
  for (const batch of lengthSortedBatches(sentences.map((s) => s.length), options.batchSize ?? 64)) {
    const words = batch.map((i) => [...sentences[i]]);
    const time = Math.max(...words.map((w) => w.length));
    const logits = elmoWordLogits(model, head, words);
    const best = argmaxRows((await logits.data()) as Float32Array, logits.shape[0], logits.shape[1]);
    logits.dispose();
    batch.forEach((i, b) => (predicted[i] = words[b].map((_, t) => labelNames[best[b * time + t]])));
    options.onBatch?.(batch.length);
  }
  return predicted;
}

/** ELMo splits a raw sentence into words as it does when embedding text (BERT's basic tokenizer, case kept). */
export function elmoWords(model: ElmoModel, text: string): string[] {
  return model.splitWords(text).map((w) => w.text);
}

export async function evaluateElmoClassification(
  model: ElmoModel,
  head: ElmoHead,
  examples: readonly ClassificationExample[],
  options: EvaluateOptions = {},
): Promise<Record<string, number>> {
  if (examples.length === 0) throw new Error('evaluateElmoClassification: no examples');
  const predicted = await predictElmoSentences(model, head, examples.map((e) => elmoWords(model, e.text)), options);
  return classificationMetrics(
    examples.map((e) => e.label),
    predicted,
  );
}

export async function evaluateElmoTokens(
  model: ElmoModel,
  head: ElmoHead,
  sentences: readonly TaggedSentence[],
  labelNames: readonly string[],
  options: EvaluateOptions = {},
): Promise<Record<string, number>> {
  if (sentences.length === 0) throw new Error('evaluateElmoTokens: no sentences');
  return wordTagMetrics(sentences, await predictElmoTags(model, head, sentences.map((s) => s.tokens), labelNames, options));
}

/** Sentence classification on ELMo for the epoch loop: the loss and dev metrics read `weights` (the head). */
export function prepareElmoClassification(
  model: ElmoModel,
  data: { train: readonly ClassificationExample[]; dev: readonly ClassificationExample[]; labelNames: readonly string[] },
): LoopTask {
  if (data.train.some((e) => e.textPair !== undefined)) throw new Error('ELMo fine-tuning takes single sentences (sst2), not pairs');
  const trainWords = data.train.map((e) => elmoWords(model, e.text));
  const labels = Int32Array.from(data.train, (e) => e.label);
  return {
    trainSize: trainWords.length,
    tokens: (indices) => indices.reduce((sum, i) => sum + trainWords[i].length, 0),
    loss: (weights, indices) => {
      const logits = elmoSentenceLogits(model, weights, indices.map((i) => trainWords[i]));
      return crossEntropy(logits, Int32Array.from(indices, (i) => labels[i]));
    },
    evaluate: (weights, options) => evaluateElmoClassification(model, weights, data.dev, options),
    selectBy: 'accuracy',
  };
}

/** Token classification on ELMo: one label per CoNLL token, padding ignored in the loss. */
export function prepareElmoTokens(
  model: ElmoModel,
  data: { train: readonly TaggedSentence[]; dev: readonly TaggedSentence[]; labelNames: readonly string[] },
): LoopTask {
  const ids = new Map(data.labelNames.map((name, id) => [name, id]));
  const train = data.train.map((s, i) => ({
    words: [...s.tokens],
    labels: s.tags.map((tag, w) => {
      const id = ids.get(tag);
      if (id === undefined) throw new Error(`train sentence ${i}, word ${w}: tag ${JSON.stringify(tag)} is not among the labels ${data.labelNames.join(', ')}`);
      return id;
    }),
  }));
  return {
    trainSize: train.length,
    tokens: (indices) => indices.reduce((sum, i) => sum + train[i].words.length, 0),
    loss: (weights, indices) => {
      const batch = indices.map((i) => train[i]);
      const time = Math.max(...batch.map((s) => s.words.length));
      const labels = new Int32Array(batch.length * time).fill(-100);
      batch.forEach((s, b) => labels.set(s.labels, b * time));
      return crossEntropyIgnoring(elmoWordLogits(model, weights, batch.map((s) => s.words)), labels);
    },
    evaluate: (weights, options) => evaluateElmoTokens(model, weights, data.dev, data.labelNames, options),
    selectBy: 'f1',
  };
}
