/**
 * Extractive QA (SQuAD v1.1): start and end logits over `[CLS] question [SEP] context window [SEP]`,
 * trained on the first gold answer's token span (or [CLS] in windows that do not hold it), the
 * answer read back as the best span over all of a question's windows. Dev metrics: SQuAD exact
 * match and F1 against every gold answer.
 */
import * as tf from '@tensorflow/tfjs-core';
import { crossEntropy, deriveSeed, type BertConfig, type BertTokenizer, type BertWeights } from '@wb/core';
import { lengthSortedBatches, padBatch, toBertInputs } from '../heads/padded-batch.js';
import { initQuestionAnsweringHead, questionAnsweringLogits } from '../heads/question-answering.js';
import { predictAnswers, type QaAnswer } from '../heads/qa-spans.js';
import { encodeQaWindows, type QaExample, type QaWindow, type QaWindowOptions } from '../heads/qa-windows.js';
import { squadEvaluate } from '../metrics/squad.js';
import type { BertWithHead, EvaluateOptions, Metrics, PreparedTask, TaskSettings } from './task.js';

export interface QaSettings {
  /** Context tokens shared by consecutive windows (default 128, at most half a window). */
  docStride?: number;
  /** Longest answer in tokens (default 30). */
  maxAnswerLength?: number;
  /** Longest question in tokens (default 64). */
  maxQuestionLength?: number;
}

type QaPredictOptions = EvaluateOptions & QaSettings & { maxLength: number; windows?: readonly QaWindow[] };

/** The best answer of every question (keyed by id); questions whose context has no tokens are left out. */
async function predictQa(model: BertWithHead, examples: readonly QaExample[], options: QaPredictOptions): Promise<Map<string, QaAnswer>> {
  const windows = options.windows ?? encodeQaWindows(model.tokenizer, examples, windowOptions(options));
  const logits: { start: Float32Array; end: Float32Array }[] = new Array(windows.length);
  for (const batch of lengthSortedBatches(windows.map((w) => w.ids.length), options.batchSize ?? 64)) {
    const padded = padBatch(batch.map((i) => windows[i]), model.tokenizer.padTokenId);
    const { startLogits, endLogits } = tf.tidy(() => {
      const out = questionAnsweringLogits(model.weights, model.config, toBertInputs(padded));
      return { startLogits: out.startLogits, endLogits: out.endLogits };
    });
    const [start, end] = (await Promise.all([startLogits.data(), endLogits.data()])) as Float32Array[];
    tf.dispose([startLogits, endLogits]);
    batch.forEach((i, b) => (logits[i] = { start: start.slice(b * padded.seq, (b + 1) * padded.seq), end: end.slice(b * padded.seq, (b + 1) * padded.seq) }));
    options.onBatch?.(batch.length);
  }
  return predictAnswers(examples, windows, logits, options.maxAnswerLength ?? 30);
}

export async function evaluateQa(
  model: BertWithHead,
  questions: readonly (QaExample & { answers: readonly { text: string; start: number }[] })[],
  options: QaPredictOptions,
): Promise<Metrics> {
  if (questions.length === 0) throw new Error('evaluateQa: no questions');
  const answers = await predictQa(model, questions, options);
  const predictions = new Map([...answers].map(([id, answer]) => [id, answer.text]));
  const scores = squadEvaluate(questions, predictions);
  return { exact_match: scores.exactMatch, f1: scores.f1, n: questions.length, unanswered: scores.unanswered };
}

function windowOptions(options: QaSettings & { maxLength: number }): QaWindowOptions {
  return { maxLength: options.maxLength, docStride: options.docStride, maxQuestionLength: options.maxQuestionLength };
}

/** What the training loss reads, as plain data (a gradient worker receives it as it is). */
export interface QaTrainingData {
  config: BertConfig;
  padTokenId: number;
  /** Question windows with their `startPosition` and `endPosition`. */
  windows: readonly QaWindow[];
}

/**
 * Transformers' loss, (CE(start) + CE(end)) / 2 over these windows, with the softmax over each
 * window's own positions: padding is left out, so a window's loss does not depend on the longest
 * window it is batched with (Transformers pads every window to the same max_length instead).
 */
export function qaLoss(weights: BertWeights, data: QaTrainingData, indices: readonly number[]): tf.Scalar {
  const windows = indices.map((i) => data.windows[i]);
  const inputs = toBertInputs(padBatch(windows, data.padTokenId));
  const { startLogits, endLogits } = questionAnsweringLogits(weights, data.config, inputs);
  // exp(−1e9) is 0 in float32: a padded position adds nothing to the softmax.
  const padding = tf.mul(tf.sub(inputs.attentionMask, 1), 1e9);
  const start = crossEntropy(tf.add(startLogits, padding) as tf.Tensor2D, Int32Array.from(windows, (w) => w.startPosition!));
  const end = crossEntropy(tf.add(endLogits, padding) as tf.Tensor2D, Int32Array.from(windows, (w) => w.endPosition!));
  return tf.div(tf.add(start, end), 2) as tf.Scalar;
}

export function prepareQaTask(
  model: { config: BertConfig; tokenizer: BertTokenizer },
  data: { train: readonly QaExample[]; dev: readonly (QaExample & { answers: readonly { text: string; start: number }[] })[] },
  settings: TaskSettings & QaSettings,
): PreparedTask {
  const { config, tokenizer } = model;
  const missing = data.train.findIndex((q) => !q.answers || q.answers.length === 0);
  if (missing >= 0) throw new Error(`train question ${data.train[missing].id} has no answer to train on`);
  const trainWindows = encodeQaWindows(tokenizer, data.train, windowOptions(settings));
  const devWindows = encodeQaWindows(tokenizer, data.dev, windowOptions(settings));
  const trainingData: QaTrainingData = { config, padTokenId: tokenizer.padTokenId, windows: trainWindows };
  return {
    task: 'qa',
    architecture: 'BertForQuestionAnswering',
    head: initQuestionAnsweringHead(config, deriveSeed(settings.seed, 1)),
    usesPooler: false,
    trainSize: trainWindows.length,
    tokens: (indices) => indices.reduce((sum, i) => sum + trainWindows[i].ids.length, 0),
    loss: (weights, indices) => qaLoss(weights, trainingData, indices),
    workerLoss: { loss: 'qaLoss', data: trainingData },
    evaluate: (weights, options = {}) =>
      evaluateQa({ config, weights, tokenizer }, data.dev, { ...settings, ...options, windows: devWindows }),
    selectBy: 'f1',
    // Window and answer settings go into config.json's wb_finetune with the other settings.
    configJson: {},
  };
}
