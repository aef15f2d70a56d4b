/**
 * Token classification (CoNLL NER and chunking): a label per word, trained and read on each word's
 * first WordPiece (heads/word-labels.ts). Dev metric: entity-level F1 as seqeval computes it, over
 * IOB1 or IOB2 tags alike.
 */
import * as tf from '@tensorflow/tfjs-core';
import { crossEntropyIgnoring, deriveSeed, type BertConfig, type BertTokenizer, type BertWeights } from '@wb/core';
import { lengthSortedBatches, padBatch, toBertInputs } from '../heads/padded-batch.js';
import { initTokenClassificationHead, tokenClassificationLogits } from '../heads/token-classification.js';
import { encodeWordSequences, wordPredictions, type WordChunk } from '../heads/word-labels.js';
import { entityF1 } from '../metrics/entity-f1.js';
import { labelConfig, type BertWithHead, type EvaluateOptions, type Metrics, type PreparedTask, type TaskSettings } from './task.js';

export interface TaggedSentence {
  tokens: readonly string[];
  tags: readonly string[];
}

/** The sorted distinct tags, as Transformers' run_ner.py builds its label list. */
export function tagList(sentences: readonly TaggedSentence[]): string[] {
  return [...new Set(sentences.flatMap((s) => s.tags))].sort();
}

/** The predicted tag of every word of every sentence. */
async function predictWordTags(
  model: BertWithHead,
  sentences: readonly (readonly string[])[],
  labelNames: readonly string[],
  options: EvaluateOptions & { maxLength: number; chunks?: readonly WordChunk[] },
): Promise<string[][]> {
  const chunks = options.chunks ?? encodeWordSequences(model.tokenizer, sentences.map((words) => ({ words })), options.maxLength);
  const predicted: Int32Array[] = new Array(chunks.length);
  for (const batch of lengthSortedBatches(chunks.map((c) => c.ids.length), options.batchSize ?? 64)) {
    const padded = padBatch(batch.map((i) => chunks[i]), model.tokenizer.padTokenId);
    const best = tf.tidy(() => tf.argMax(tokenClassificationLogits(model.weights, model.config, toBertInputs(padded)), 2));
    const data = (await best.data()) as Int32Array;
    best.dispose();
    batch.forEach((i, b) => (predicted[i] = data.slice(b * padded.seq, (b + 1) * padded.seq)));
    options.onBatch?.(batch.length);
  }
  const outside = Math.max(0, labelNames.indexOf('O'));
  const ids = wordPredictions(chunks, predicted, sentences.map((words) => words.length), outside);
  return ids.map((row) => row.map((id) => labelNames[id]));
}

/** Entity precision/recall/F1 (seqeval, micro), word accuracy, and counts. */
export async function evaluateTokenClassification(
  model: BertWithHead,
  sentences: readonly TaggedSentence[],
  labelNames: readonly string[],
  options: EvaluateOptions & { maxLength: number; chunks?: readonly WordChunk[] },
): Promise<Metrics> {
  if (sentences.length === 0) throw new Error('evaluateTokenClassification: no sentences');
  const predicted = await predictWordTags(model, sentences.map((s) => s.tokens), labelNames, options);
  return wordTagMetrics(sentences, predicted);
}

/** The token-classification metrics of predicted tags against the sentences' gold tags (any backbone). */
export function wordTagMetrics(sentences: readonly TaggedSentence[], predicted: readonly (readonly string[])[]): Metrics {
  const gold = sentences.map((s) => s.tags);
  const scores = entityF1(gold, predicted);
  let words = 0;
  let correct = 0;
  gold.forEach((tags, s) => tags.forEach((tag, w) => ((words += 1), (correct += tag === predicted[s][w] ? 1 : 0))));
  return {
    f1: scores.f1,
    precision: scores.precision,
    recall: scores.recall,
    accuracy: correct / words,
    n: sentences.length,
    entities: scores.support,
    predicted_entities: scores.predicted,
  };
}

/** What the training loss reads, as plain data (a gradient worker receives it as it is). */
export interface TokenTrainingData {
  config: BertConfig;
  padTokenId: number;
  numLabels: number;
  /** Word chunks with their `labels`. */
  chunks: readonly WordChunk[];
}

/** Mean cross-entropy over the labelled positions (each word's first piece) of these chunks. */
export function tokenClassificationLoss(weights: BertWeights, data: TokenTrainingData, indices: readonly number[]): tf.Scalar {
  const chunks = indices.map((i) => data.chunks[i]);
  const padded = padBatch(chunks, data.padTokenId);
  // Labels padded with -100 like the ids are padded with [PAD].
  const labels = new Int32Array(padded.batch * padded.seq).fill(-100);
  chunks.forEach((chunk, b) => labels.set(chunk.labels!, b * padded.seq));
  const logits = tokenClassificationLogits(weights, data.config, toBertInputs(padded));
  return crossEntropyIgnoring(tf.reshape(logits, [-1, data.numLabels]) as tf.Tensor2D, labels);
}

export function prepareTokenTask(
  model: { config: BertConfig; tokenizer: BertTokenizer },
  data: { train: readonly TaggedSentence[]; dev: readonly TaggedSentence[]; labelNames: readonly string[] },
  settings: TaskSettings,
): PreparedTask {
  const { config, tokenizer } = model;
  const ids = new Map(data.labelNames.map((name, id) => [name, id]));
  const train = data.train.map((s, i) => ({
    words: s.tokens,
    labels: s.tags.map((tag, w) => {
      const id = ids.get(tag);
      if (id === undefined) throw new Error(`train sentence ${i}, word ${w}: tag ${JSON.stringify(tag)} is not among the labels ${data.labelNames.join(', ')}`);
      return id;
    }),
  }));
  const trainChunks = encodeWordSequences(tokenizer, train, settings.maxLength);
  const devChunks = encodeWordSequences(tokenizer, data.dev.map((s) => ({ words: s.tokens })), settings.maxLength);
  const trainingData: TokenTrainingData = { config, padTokenId: tokenizer.padTokenId, numLabels: data.labelNames.length, chunks: trainChunks };
  return {
    task: 'conll',
    architecture: 'BertForTokenClassification',
    head: initTokenClassificationHead(config, data.labelNames.length, deriveSeed(settings.seed, 1)),
    usesPooler: false,
    trainSize: trainChunks.length,
    tokens: (indices) => indices.reduce((sum, i) => sum + trainChunks[i].ids.length, 0),
    loss: (weights, indices) => tokenClassificationLoss(weights, trainingData, indices),
    lossTerms: (indices) => indices.reduce((sum, i) => sum + trainChunks[i].labels!.filter((label) => label !== -100).length, 0),
    workerLoss: { loss: 'tokenClassificationLoss', data: trainingData },
    evaluate: (weights, options = {}) =>
      evaluateTokenClassification({ config, weights, tokenizer }, data.dev, data.labelNames, { ...options, maxLength: settings.maxLength, chunks: devChunks }),
    selectBy: 'f1',
    configJson: labelConfig(data.labelNames),
  };
}
