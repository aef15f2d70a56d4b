/**
 * Cross-entropy of class logits against integer labels: the one copy every loss in the monorepo uses
 * (BERT's and GPT's pretraining, ELMo's biLM, distillation, and the fine-tuning heads in @wb/tasks).
 */
import * as tf from '@tensorflow/tfjs-core';
import { hasFusedKernel, SOFTMAX_CROSS_ENTROPY, SOFTMAX_CROSS_ENTROPY_GRAD } from './fused.js';

/** The label PyTorch's `ignore_index` skips, which Transformers' token-classification examples put on [CLS], [SEP], padding and every WordPiece after a word's first. */
export const IGNORE_INDEX = -100;

/**
 * −log softmax(logits)[row, labels[row]] for every row, [rows], with its gradient taken in one step:
 * (softmax(logits) − onehot(labels)) · dy. Written with tf.logSoftmax, a one-hot product and a sum,
 * tfjs' autodiff made about ten passes over [rows × classes] each way and filled a ones tensor of
 * that size in JavaScript (its Sum gradient); at a GPT's 4,096 positions × 8,000 tokens that was
 * most of a training step. A backend with the fused kernel (core's wasm kernels) does each
 * direction in one kernel; others compose it from stock ops (bench/train.bench.mjs compares).
 */
function labelLosses(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor1D {
  if (hasFusedKernel(SOFTMAX_CROSS_ENTROPY)) return tf.engine().runKernel(SOFTMAX_CROSS_ENTROPY, { logits, labels }) as tf.Tensor1D;
  return composedLabelLosses(logits, labels) as tf.Tensor1D;
}

const composedLabelLosses = tf.customGrad(((logits: tf.Tensor, labels: tf.Tensor, save: tf.GradSaveFunc) => {
  const [rows, classes] = logits.shape as [number, number];
  const logNormaliser = tf.logSumExp(logits, 1, true); // [rows, 1]
  const labelIndex = tf.add(tf.mul(tf.range(0, rows, 1, 'int32'), tf.scalar(classes, 'int32')), labels);
  const labelLogits = tf.gather(tf.reshape(logits, [rows * classes]), labelIndex); // [rows]
  save([logits, labels]);
  return {
    value: tf.sub(tf.reshape(logNormaliser, [rows]), labelLogits),
    gradFunc: (dy: tf.Tensor, [savedLogits, savedLabels]: tf.Tensor[]) => [composedGradient(dy, savedLogits, savedLabels), tf.zerosLike(savedLabels)],
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]); // tfjs types the inputs and `save` as one rest parameter

function composedGradient(dy: tf.Tensor, logits: tf.Tensor, labels: tf.Tensor): tf.Tensor {
  const classes = logits.shape[1]!;
  const softmax = tf.exp(tf.sub(logits, tf.logSumExp(logits, 1, true)));
  // An int32 one-hot, cast by the subtraction: tfjs-wasm's OneHot writes integers into a float32 output (4.22).
  return tf.mul(tf.sub(softmax, tf.oneHot(labels as tf.Tensor1D, classes)), tf.expandDims(dy, 1));
}

tf.registerGradient({
  kernelName: SOFTMAX_CROSS_ENTROPY,
  inputsToSave: ['logits', 'labels'],
  gradFunc: (dy, [logits, labels]) => ({
    logits: () =>
      hasFusedKernel(SOFTMAX_CROSS_ENTROPY_GRAD)
        ? (tf.engine().runKernel(SOFTMAX_CROSS_ENTROPY_GRAD, { dy: dy as tf.Tensor, logits, labels }) as tf.Tensor)
        : composedGradient(dy as tf.Tensor, logits, labels),
    labels: () => tf.zerosLike(labels),
  }),
});

/** log softmax(logits)[row, labels[row]] for every row: [rows]. */
function labelLogProbs(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor1D {
  return tf.neg(labelLosses(logits, labels)) as tf.Tensor1D;
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
