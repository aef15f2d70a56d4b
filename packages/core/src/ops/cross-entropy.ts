/**
 * Cross-entropy of class logits against integer labels: the one copy every loss in the monorepo uses
 * (BERT's and GPT's pretraining, ELMo's biLM, distillation, and the fine-tuning heads in @wb/tasks).
 */
import * as tf from '@tensorflow/tfjs-core';

/** The label PyTorch's `ignore_index` skips, which Transformers' token-classification examples put on [CLS], [SEP], padding and every WordPiece after a word's first. */
export const IGNORE_INDEX = -100;

/** log softmax(logits)[row, labels[row]] for every row: [rows]. */
function labelLogProbs(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor1D {
  return tf.sum(tf.mul(tf.logSoftmax(logits), tf.oneHot(labels, logits.shape[1])), 1) as tf.Tensor1D;
}

/** Mean of −log softmax(logits)[label] over rows. */
export function crossEntropy(logits: tf.Tensor2D, labels: Int32Array): tf.Scalar {
  return tf.tidy(() => tf.neg(tf.mean(labelLogProbs(logits, tf.tensor1d(labels, 'int32')))) as tf.Scalar);
}

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
    const picked = labelLogProbs(logits, tf.tensor1d(safe, 'int32'));
    return tf.div(tf.neg(tf.sum(tf.mul(picked, tf.tensor1d(keep)))), Math.max(1, counted)) as tf.Scalar;
  });
}
