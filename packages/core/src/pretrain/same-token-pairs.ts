/**
 * Pairs of uses of one token (or word) in a batch, and the loss that asks a student to keep its
 * teacher's cosine for each pair. A word's sense gap is a difference between such cosines, so these
 * pairs carry what a student should keep of the teacher's geometry. Shared by the DistilBERT student
 * (`wb distill --alpha-sim`, over WordPiece ids) and the ELMo student (`wb pretrain elmo
 * --distill-loss same-word`, over words).
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
