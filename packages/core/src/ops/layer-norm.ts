/**
 * LayerNorm over the last axis, optionally of `x + residual` (the post-LN transformer's
 * "add & norm" in one kernel). eps is inside the square root, as in PyTorch and Hugging Face.
 */
import * as tf from '@tensorflow/tfjs-core';
import { FUSED_ADD_LAYER_NORM, FUSED_LAYER_NORM, FUSED_LAYER_NORM_GRAD, hasFusedKernel } from './fused.js';

export interface LayerNormAttrs {
  epsilon: number;
  [key: string]: number;
}

export function layerNormComposed(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, epsilon: number): tf.Tensor {
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x, -1, true);
    return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, epsilon))), gamma), beta);
  });
}

export function layerNorm(
  x: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  epsilon: number,
  residual?: tf.Tensor,
): tf.Tensor {
  const attrs = { epsilon } as unknown as tf.NamedAttrMap;
  if (residual) {
    if (hasFusedKernel(FUSED_ADD_LAYER_NORM)) {
      return tf.engine().runKernel(FUSED_ADD_LAYER_NORM, { x, residual, gamma, beta }, attrs) as tf.Tensor;
    }
    return tf.tidy(() => layerNormComposed(tf.add(x, residual), gamma, beta, epsilon));
  }
  if (hasFusedKernel(FUSED_LAYER_NORM)) {
    return tf.engine().runKernel(FUSED_LAYER_NORM, { x, gamma, beta }, attrs) as tf.Tensor;
  }
  return layerNormComposed(x, gamma, beta, epsilon);
}

/** Gradients of y = LN(z) w.r.t. z, gamma and beta. */
function layerNormBackward(dy: tf.Tensor, z: tf.Tensor, gamma: tf.Tensor, epsilon: number) {
  const n = z.shape[z.rank - 1];
  const leading = [...Array(z.rank - 1).keys()];
  const { mean, variance } = tf.moments(z, -1, true);
  const invStd = tf.rsqrt(tf.add(variance, epsilon));
  const xHat = tf.mul(tf.sub(z, mean), invStd);
  const dxHat = tf.mul(dy, gamma);
  // dz = invStd / n * (n*dxHat - sum(dxHat) - xHat*sum(dxHat*xHat))
  const dz = tf.mul(
    tf.div(invStd, n),
    tf.sub(
      tf.sub(tf.mul(dxHat, n), tf.sum(dxHat, -1, true)),
      tf.mul(xHat, tf.sum(tf.mul(dxHat, xHat), -1, true)),
    ),
  );
  return { dz, dGamma: tf.sum(tf.mul(dy, xHat), leading), dBeta: tf.sum(dy, leading) };
}

tf.registerGradient({
  kernelName: FUSED_LAYER_NORM,
  inputsToSave: ['x', 'gamma'],
  gradFunc: (dy, saved, attrs) => {
    const [x, gamma] = saved;
    const { epsilon } = attrs as unknown as LayerNormAttrs;
    if (hasFusedKernel(FUSED_LAYER_NORM_GRAD)) {
      const [dz, dGamma, dBeta] = tf.engine().runKernel(FUSED_LAYER_NORM_GRAD, { dy: dy as tf.Tensor, x, gamma }, attrs) as tf.Tensor[];
      return { x: () => dz, gamma: () => dGamma, beta: () => dBeta };
    }
    // Computed once, here: tfjs runs each input's gradient function inside its own tidy, which
    // disposes whatever it made, so tensors cached by one call are gone in the next.
    const { dz, dGamma, dBeta } = tf.tidy(() => layerNormBackward(dy as tf.Tensor, x, gamma, epsilon));
    return { x: () => dz, gamma: () => dGamma, beta: () => dBeta };
  },
});

tf.registerGradient({
  kernelName: FUSED_ADD_LAYER_NORM,
  inputsToSave: ['x', 'residual', 'gamma'],
  gradFunc: (dy, saved, attrs) => {
    const [x, residual, gamma] = saved;
    const { epsilon } = attrs as unknown as LayerNormAttrs;
    const { dz, dGamma, dBeta } = hasFusedKernel(FUSED_LAYER_NORM_GRAD)
      ? (([dz, dGamma, dBeta]) => ({ dz, dGamma, dBeta }))(
          tf.engine().runKernel(FUSED_LAYER_NORM_GRAD, { dy: dy as tf.Tensor, x, residual, gamma }, attrs) as tf.Tensor[],
        )
      : tf.tidy(() => layerNormBackward(dy as tf.Tensor, tf.add(x, residual), gamma, epsilon));
    return {
      x: () => dz,
      // A tensor of its own: tfjs disposes an input's gradient when it adds another to it.
      residual: () => tf.clone(dz),
      gamma: () => dGamma,
      beta: () => dBeta,
    };
  },
});
