/**
 * Causal (decoder) attention: each query sees the keys at its own position and before, never
 * after, as in GPT-2. Queries may be fewer than keys: with a KV cache the queries are the newest
 * positions, the last `seqQ` of the `seqK` keys. The padding mask works as in `attention.ts`.
 * Composed from stock ops on every backend: the fused kernels take a padding mask only.
 */
import * as tf from '@tensorflow/tfjs-core';
import { additiveMask, MASKED_SCORE, type AttentionResult } from './attention.js';

/** [1, 1, seqQ, seqK]: 0 where query i (position seqK − seqQ + i) may see key j, MASKED_SCORE after it. */
function causalBias(seqQ: number, seqK: number): tf.Tensor4D {
  const offset = seqK - seqQ;
  const bias = new Float32Array(seqQ * seqK);
  for (let i = 0; i < seqQ; i++) for (let j = offset + i + 1; j < seqK; j++) bias[i * seqK + j] = MASKED_SCORE;
  return tf.tensor4d(bias, [1, 1, seqQ, seqK]);
}

/**
 * softmax(Q·Kᵀ·scale + causal bias + padding bias)·V. q: [batch, heads, seqQ, headDim];
 * k, v: [batch, heads, seqK, headDim]; mask: [batch, seqK], 1 for tokens, 0 for padding.
 */
export function causalAttention(
  q: tf.Tensor4D,
  k: tf.Tensor4D,
  v: tf.Tensor4D,
  mask?: tf.Tensor,
  options: { returnProbs?: boolean; scale?: number } = {},
): AttentionResult {
  return tf.tidy(() => {
    const scale = options.scale ?? 1 / Math.sqrt(q.shape[3]);
    let scores: tf.Tensor = tf.mul(tf.matMul(q, k, false, true), scale);
    if (q.shape[2] > 1) scores = tf.add(scores, causalBias(q.shape[2], k.shape[2]));
    if (mask) scores = tf.add(scores, additiveMask(mask));
    const probs = tf.softmax(scores) as tf.Tensor4D;
    const context = tf.matMul(probs, v) as tf.Tensor4D;
    return options.returnProbs ? { context, probs } : { context };
  });
}
