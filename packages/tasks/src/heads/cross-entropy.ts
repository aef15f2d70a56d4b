/**
 * Cross-entropy that skips positions labelled -100, PyTorch's `ignore_index` and what Transformers'
 * token-classification examples put on [CLS], [SEP], padding and every WordPiece after a word's first.
 */
import * as tf from '@tensorflow/tfjs-core';

export const IGNORE_INDEX = -100;

/** Mean of −log softmax(logits)[label] over the rows whose label is not `ignoreIndex`; 0 when there are none. */
export function crossEntropyIgnoring(logits: tf.Tensor2D, labels: Int32Array, ignoreIndex = IGNORE_INDEX): tf.Scalar {
  const [rows, classes] = logits.shape;
  if (labels.length !== rows) throw new Error(`crossEntropyIgnoring: ${rows} rows of logits but ${labels.length} labels`);
  const safe = new Int32Array(rows);
  const keep = new Float32Array(rows);
  let counted = 0;
  for (let i = 0; i < rows; i++) {
    if (labels[i] === ignoreIndex) continue;
    if (!(labels[i] >= 0 && labels[i] < classes)) throw new Error(`crossEntropyIgnoring: label ${labels[i]} at row ${i} is outside 0..${classes - 1}`);
    safe[i] = labels[i];
    keep[i] = 1;
    counted++;
  }
  return tf.tidy(() => {
    const picked = tf.sum(tf.mul(tf.logSoftmax(logits), tf.oneHot(tf.tensor1d(safe, 'int32'), classes)), 1);
    return tf.div(tf.neg(tf.sum(tf.mul(picked, tf.tensor1d(keep)))), Math.max(1, counted)) as tf.Scalar;
  });
}
