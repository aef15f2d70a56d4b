/**
 * The biLM training objective: the forward LM predicts the next word, the backward LM the previous
 * one, each from its half of the top layer, through one softmax over a word vocabulary shared by both
 * directions (bilm-tf). Loss = (forward mean + backward mean) / 2 in nats per word.
 */
import * as tf from '@tensorflow/tfjs-core';
import { addSentenceBoundaries, elmoBiLm, sequenceMask, type ElmoBiLmOutputs } from '../models/elmo/bilm.js';
import type { ElmoOptions } from '../models/elmo/options.js';
import { elmoNames, type ElmoWeights } from '../models/elmo/weights.js';
import { crossEntropy } from '../ops/cross-entropy.js';
import { dense } from '../ops/dense.js';
import { gatherRows } from '../ops/gather-rows.js';
import { Rng } from '../train/rng.js';

export interface ElmoLmBatch {
  /** [batch, time, 50] ids of the words (no `<S>`/`</S>`), from batchToElmoCharIds. */
  charIds: tf.Tensor3D;
  /** The vocabulary ids of the same words, one list per sentence. */
  wordIds: number[][];
  /** batchToElmoCharIds's wordChars: makes the char CNN cheaper, same result. */
  wordChars?: number;
}

export interface ElmoLmLossOptions {
  /** Vocabulary ids of `<S>` and `</S>` (the backward LM's last target, the forward LM's). */
  bosId: number;
  eosId: number;
  /** 'full' (default) or TF's sampled softmax with a log-uniform sampler (vocabulary sorted by frequency). */
  softmax?: 'full' | 'sampled';
  /** Negative samples per batch for 'sampled' (bilm-tf's n_negative_samples_batch; default 8192). */
  numSampled?: number;
  /** Seeds the negative samples (pass e.g. the step number for reproducible runs); random when absent. */
  seed?: number;
}

/**
 * Samples `count` distinct ids from TF's log-uniform (Zipfian) distribution over [0, range) and
 * returns them with the expected counts TF's unique sampler reports (-expm1(tries * log1p(-p))).
 */
export function logUniformSample(
  count: number,
  range: number,
  rng: Rng,
): { sampled: number[]; expectedCount: (id: number) => number } {
  const logRange = Math.log(range + 1);
  const probability = (id: number) => (Math.log(id + 2) - Math.log(id + 1)) / logRange;
  const seen = new Set<number>();
  const sampled: number[] = [];
  let tries = 0;
  while (sampled.length < count) {
    tries++;
    const id = Math.min(range - 1, Math.floor(Math.exp(rng.next() * logRange)) - 1);
    if (!seen.has(id)) {
      seen.add(id);
      sampled.push(id);
    }
  }
  const expectedCount = (id: number) => -Math.expm1(tries * Math.log1p(-probability(id)));
  return { sampled, expectedCount };
}

/** The biLM over a batch's words with `<S>`/`</S>` added, and the mask of the words [batch, time]. */
export function elmoBatchBiLm(weights: ElmoWeights, options: ElmoOptions, batch: ElmoLmBatch): { bilm: ElmoBiLmOutputs; wordMask: tf.Tensor2D } {
  const result = tf.tidy(() => {
    const time = batch.charIds.shape[1];
    const wordMask = sequenceMask(tf.tensor1d(batch.wordIds.map((ids) => ids.length), 'int32'), time);
    const withBoundaries = addSentenceBoundaries(batch.charIds, wordMask);
    const bilm = elmoBiLm(weights, options, withBoundaries.charIds, withBoundaries.lengths, { wordChars: batch.wordChars });
    return { ...bilm, wordMask } as unknown as tf.TensorContainerObject;
  }) as unknown as ElmoBiLmOutputs & { wordMask: tf.Tensor2D };
  const { wordMask, ...bilm } = result;
  return { bilm, wordMask };
}

/** `bilm`: the batch's biLM when the caller needs it for another loss too (elmoBatchBiLm). */
export function elmoLmLoss(
  weights: ElmoWeights,
  options: ElmoOptions,
  batch: ElmoLmBatch,
  loss: ElmoLmLossOptions,
  bilm?: ElmoBiLmOutputs,
): tf.Scalar {
  const softmaxW = weights[elmoNames.softmaxWeight];
  const softmaxB = weights[elmoNames.softmaxBias];
  if (!softmaxW || !softmaxB) {
    throw new Error(
      `elmoLmLoss needs "${elmoNames.softmaxWeight}" [vocab, ${options.lstm.projection_dim}] and "${elmoNames.softmaxBias}" [vocab] (initElmoWeights(options, { vocabSize }))`,
    );
  }
  const vocab = softmaxW.shape[0];
  const [batchSize, time] = batch.charIds.shape;
  if (batch.wordIds.length !== batchSize) {
    throw new Error(`elmoLmLoss: ${batch.wordIds.length} word-id lists for a batch of ${batchSize}`);
  }
  // Targets in each direction's own order: position t predicts position t + 1 of
  // [<S>, w1..wn, </S>] (forward) or of [</S>, wn..w1, <S>] (backward, reversed within the length).
  const bounded = time + 2;
  const rows: number[] = [];
  const targets: number[] = [];
  for (let d = 0; d < 2; d++) {
    batch.wordIds.forEach((ids, b) => {
      if (ids.length > time) throw new Error(`elmoLmLoss: sentence ${b} has ${ids.length} word ids but the char ids hold ${time} words`);
      for (const id of ids) {
        if (!Number.isInteger(id) || id < 0 || id >= vocab) throw new Error(`elmoLmLoss: word id ${id} outside the softmax vocabulary of ${vocab}`);
      }
      const sequence = d === 0 ? [loss.bosId, ...ids, loss.eosId] : [loss.eosId, ...[...ids].reverse(), loss.bosId];
      for (let t = 0; t + 1 < sequence.length; t++) {
        rows.push((d * batchSize + b) * bounded + t);
        targets.push(sequence[t + 1]);
      }
    });
  }
  const numSampled = Math.min(loss.numSampled ?? 8192, vocab);
  const sampled = loss.softmax === 'sampled' && numSampled < vocab;
  return tf.tidy(() => {
    const directional = (bilm ?? elmoBatchBiLm(weights, options, batch).bilm).directional;
    const top = directional[directional.length - 1];
    const P = top.shape[3];
    const hidden = gatherRows(tf.reshape(top, [-1, P]), tf.tensor1d(rows, 'int32')) as tf.Tensor2D;
    // Both directions have the same number of targets, so the mean over all is the mean of the two means.
    if (!sampled) {
      const logits = dense(hidden, tf.transpose(softmaxW) as tf.Tensor2D, softmaxB);
      return crossEntropy(logits, Int32Array.from(targets));
    }
    const rng = new Rng(loss.seed ?? Math.floor(Math.random() * 2 ** 32));
    const { sampled: negatives, expectedCount } = logUniformSample(numSampled, vocab, rng);
    const targetIds = tf.tensor1d(targets, 'int32');
    const trueW = gatherRows(softmaxW, targetIds);
    const trueB = gatherRows(tf.reshape(softmaxB, [-1, 1]), targetIds);
    const trueLogits = tf.sub(
      tf.add(tf.sum(tf.mul(hidden, trueW), 1, true), trueB),
      tf.tensor2d(targets.map((id) => Math.log(expectedCount(id))), [targets.length, 1]),
    );
    const negativeIds = tf.tensor1d(negatives, 'int32');
    const negW = gatherRows(softmaxW, negativeIds);
    const negB = tf.reshape(gatherRows(tf.reshape(softmaxB, [-1, 1]), negativeIds), [1, -1]);
    // Remove accidental hits: a sample that is the row's own target does not count as a negative.
    const hits = new Float32Array(targets.length * negatives.length);
    const position = new Map(negatives.map((id, j) => [id, j]));
    targets.forEach((id, i) => {
      const j = position.get(id);
      if (j !== undefined) hits[i * negatives.length + j] = -1e9;
    });
    const negLogits = tf.add(
      tf.add(dense(hidden, tf.transpose(negW) as tf.Tensor2D), tf.sub(negB, tf.tensor2d([negatives.map((id) => Math.log(expectedCount(id)))]))),
      tf.tensor2d(hits, [targets.length, negatives.length]),
    );
    const logits = tf.concat([trueLogits, negLogits], 1) as tf.Tensor2D;
    // Column 0 holds each row's true word.
    return crossEntropy(logits, new Int32Array(targets.length));
  });
}
