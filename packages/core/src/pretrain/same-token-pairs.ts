/**
 * Pairs of uses of one token (or word) in a batch, and the losses that ask a student to keep its
 * teacher's cosines (similarity-preserving distillation, Tung & Mori 2019): for each such pair, or
 * for every pair of a batch's tokens. A word's sense gap is a difference between such cosines, so these
 * pairs carry what a student should keep of the teacher's geometry. Shared by the DistilBERT student
 * (`wb distill --alpha-sim`, over WordPiece ids; `--alpha-sim-batch`) and the ELMo student (`wb
 * pretrain elmo --distill-loss same-word`, over words; `similarity`).
 */
import * as tf from '@tensorflow/tfjs-core';
import { gatherRows } from '../ops/gather-rows.js';
import { unitRows } from '../ops/unit-rows.js';

/** At most this many uses of one token enter the same-token pairs of a batch, so that `the` and `,` do not outweigh the rest. */
const MAX_USES_PER_TOKEN = 8;

/**
 * The pairs of positions (flat indices) that hold the same token in a batch: for each token id other
 * than `excluded` (the special tokens, [MASK] among them), its first MAX_USES_PER_TOKEN uses, all
 * pairs among them. Each token counts once, as each word does in a sense gap: a pair's weight is
 * 1 / (its token's pairs × the tokens that have pairs), so a rare word's single pair weighs as much
 * as the 28 of `the`.
 */
export function sameTokenPairs(inputIds: Int32Array, attentionMask: Float32Array, excluded: ReadonlySet<number>): SameTokenPairs {
  const uses = new Map<number, number[]>();
  for (let i = 0; i < inputIds.length; i++) {
    if (attentionMask[i] === 0 || excluded.has(inputIds[i])) continue;
    const list = uses.get(inputIds[i]);
    if (!list) uses.set(inputIds[i], [i]);
    else if (list.length < MAX_USES_PER_TOKEN) list.push(i);
  }
  const repeated = [...uses.values()].filter((list) => list.length > 1);
  const left: number[] = [];
  const right: number[] = [];
  const weight: number[] = [];
  for (const list of repeated) {
    const pairs = (list.length * (list.length - 1)) / 2;
    for (let a = 0; a < list.length; a++) {
      for (let b = a + 1; b < list.length; b++) {
        left.push(list[a]);
        right.push(list[b]);
        weight.push(1 / pairs / repeated.length);
      }
    }
  }
  return { left: Int32Array.from(left), right: Int32Array.from(right), weight: Float32Array.from(weight) };
}

export interface SameTokenPairs {
  left: Int32Array;
  right: Int32Array;
  /** Sums to 1 over the pairs (or is empty). */
  weight: Float32Array;
}

/**
 * The mean over all pairs of `rows` (flat indices into both) of (cos_student − cos_teacher)²: the
 * teacher's whole geometry among those tokens, not only between uses of one token.
 */
export function pairwiseSimilarityLoss(student: tf.Tensor2D, teacher: tf.Tensor2D, rows: ArrayLike<number>): tf.Scalar {
  return tf.tidy(() => {
    const picked = tf.tensor1d(Int32Array.from(rows), 'int32');
    const s = unitRows(gatherRows(student, picked) as tf.Tensor2D);
    const t = unitRows(gatherRows(teacher, picked) as tf.Tensor2D);
    return tf.mean(tf.square(tf.sub(tf.matMul(s, s, false, true), tf.matMul(t, t, false, true)))) as tf.Scalar;
  });
}

/**
 * The positions (flat indices) of a batch's real tokens other than `excluded`, at most `max` of them,
 * evenly spaced over the batch: a whole-batch similarity over 32 × 128 tokens would compare 16
 * million pairs per step.
 */
export function batchTokenPositions(inputIds: Int32Array, attentionMask: Float32Array, excluded: ReadonlySet<number>, max: number): Int32Array {
  const positions: number[] = [];
  for (let i = 0; i < inputIds.length; i++) if (attentionMask[i] !== 0 && !excluded.has(inputIds[i])) positions.push(i);
  if (positions.length <= max) return Int32Array.from(positions);
  return Int32Array.from({ length: max }, (_, k) => positions[Math.floor((k * positions.length) / max)]);
}

/** The weighted mean over the pairs of (cos_student − cos_teacher)²; 0 for a batch without pairs. */
export function sameTokenSimilarityLoss(student: tf.Tensor2D, teacher: tf.Tensor2D, pairs: SameTokenPairs): tf.Scalar {
  return tf.tidy(() => {
    if (pairs.left.length === 0) return tf.scalar(0);
    const left = tf.tensor1d(pairs.left, 'int32');
    const right = tf.tensor1d(pairs.right, 'int32');
    const cosines = (h: tf.Tensor2D) => tf.sum(tf.mul(unitRows(gatherRows(h, left) as tf.Tensor2D), unitRows(gatherRows(h, right) as tf.Tensor2D)), 1);
    return tf.sum(tf.mul(tf.square(tf.sub(cosines(student), cosines(teacher))), tf.tensor1d(pairs.weight))) as tf.Scalar;
  });
}
