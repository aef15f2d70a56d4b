/**
 * Scaled dot-product attention over heads: softmax(Q·Kᵀ·scale + padding mask)·V.
 * q, k, v: [batch, heads, seq, headDim]; mask: [batch, seqK] with 1 for real tokens, 0 for padding.
 * Padded keys get a score of -1e9, so after the softmax they weigh exactly 0 and a padded batch
 * gives the same values at real positions as each sentence alone.
 */
import * as tf from '@tensorflow/tfjs-core';
import { FUSED_ATTENTION, FUSED_ATTENTION_GRAD, hasFusedKernel } from './fused.js';

export interface AttentionAttrs {
  scale: number;
  /** Also return the attention probabilities [batch, heads, seqQ, seqK] as a second output. */
  returnProbs: boolean;
  [key: string]: number | boolean;
}

export interface AttentionResult {
  context: tf.Tensor4D;
  probs?: tf.Tensor4D;
}

export const MASKED_SCORE = -1e9;

/** [batch, seqK] keep-mask → additive [batch, 1, 1, seqK] bias. */
export function additiveMask(mask: tf.Tensor): tf.Tensor4D {
  return tf.tidy(() => {
    const [batch, seqK] = mask.shape;
    return tf.reshape(tf.mul(tf.sub(1, mask), MASKED_SCORE), [batch, 1, 1, seqK]) as tf.Tensor4D;
  });
}

export function attentionProbs(q: tf.Tensor4D, k: tf.Tensor4D, scale: number, mask?: tf.Tensor): tf.Tensor4D {
  return tf.tidy(() => {
    let scores = tf.mul(tf.matMul(q, k, false, true), scale) as tf.Tensor4D;
    if (mask) scores = tf.add(scores, additiveMask(mask));
    return tf.softmax(scores) as tf.Tensor4D;
  });
}

export function attention(
  q: tf.Tensor4D,
  k: tf.Tensor4D,
  v: tf.Tensor4D,
  mask?: tf.Tensor,
  options: { returnProbs?: boolean; scale?: number } = {},
): AttentionResult {
  const attrs: AttentionAttrs = {
    scale: options.scale ?? 1 / Math.sqrt(q.shape[3]),
    returnProbs: options.returnProbs ?? false,
  };
  if (hasFusedKernel(FUSED_ATTENTION)) {
    // The kernel always takes a mask: a kernel's inputs are a fixed set of tensors.
    const keep = mask ?? tf.ones([q.shape[0], k.shape[2]]);
    const out = tf.engine().runKernel(FUSED_ATTENTION, { q, k, v, mask: keep }, attrs as unknown as tf.NamedAttrMap);
    if (!mask) keep.dispose();
    if (Array.isArray(out)) return { context: out[0] as tf.Tensor4D, probs: out[1] as tf.Tensor4D };
    return { context: out as tf.Tensor4D };
  }
  return tf.tidy(() => {
    const probs = attentionProbs(q, k, attrs.scale, mask);
    const context = tf.matMul(probs, v) as tf.Tensor4D;
    return attrs.returnProbs ? { context, probs } : { context };
  });
}

tf.registerGradient({
  kernelName: FUSED_ATTENTION,
  inputsToSave: ['q', 'k', 'v', 'mask'],
  gradFunc: (dy, saved, attrs) => {
    const { scale } = attrs as unknown as AttentionAttrs;
    const [q, k, v, mask] = saved as tf.Tensor4D[];
    const [dContext, dProbs] = Array.isArray(dy) ? dy : [dy];
    if (hasFusedKernel(FUSED_ATTENTION_GRAD)) {
      const inputs: tf.NamedTensorMap = { q, k, v, mask, dContext };
      if (dProbs) inputs.dProbs = dProbs;
      const [dq, dk, dv] = tf.engine().runKernel(FUSED_ATTENTION_GRAD, inputs, attrs) as tf.Tensor[];
      return { q: () => dq, k: () => dk, v: () => dv, mask: () => tf.zerosLike(mask) };
    }
    // Computed once, here: tfjs runs each input's gradient function inside its own tidy, which
    // disposes whatever it made, so tensors cached by one call are gone in the next.
    const { dq, dk, dv } = tf.tidy(() => {
      const p = attentionProbs(q, k, scale, mask);
      let dp = tf.matMul(dContext, v, false, true);
      if (dProbs) dp = tf.add(dp, dProbs);
      // softmax backward: dS = P ⊙ (dP − rowsum(dP ⊙ P))
      const ds = tf.mul(p, tf.sub(dp, tf.sum(tf.mul(dp, p), -1, true)));
      return {
        dq: tf.mul(tf.matMul(ds, k), scale),
        dk: tf.mul(tf.matMul(ds, q, true, false), scale),
        dv: tf.matMul(p, dContext, true, false),
      };
    });
    return {
      q: () => dq,
      k: () => dk,
      v: () => dv,
      mask: () => tf.zerosLike(mask),
    };
  },
});
