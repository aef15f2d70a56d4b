/**
 * GELU fused with the bias add of the preceding dense layer: gelu(x + bias).
 * `erf` is BERT's exact form; `tanh` is GPT-2's approximation (`gelu_new`).
 */
import * as tf from '@tensorflow/tfjs-core';
import { FUSED_BIAS_GELU, FUSED_BIAS_GELU_GRAD, hasFusedKernel } from './fused.js';

export type GeluApproximation = 'erf' | 'tanh';

export interface BiasGeluAttrs {
  approximate: GeluApproximation;
  [key: string]: GeluApproximation;
}

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

export function gelu(x: tf.Tensor, approximate: GeluApproximation = 'erf'): tf.Tensor {
  return tf.tidy(() => {
    if (approximate === 'erf') return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))));
    const inner = tf.mul(SQRT_2_OVER_PI, tf.add(x, tf.mul(0.044715, tf.pow(x, 3))));
    return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(inner)));
  });
}

/** d gelu(u) / du, composed from stock ops. */
function geluDerivative(u: tf.Tensor, approximate: GeluApproximation): tf.Tensor {
  return tf.tidy(() => {
    if (approximate === 'erf') {
      const cdf = tf.mul(0.5, tf.add(1, tf.erf(tf.mul(u, Math.SQRT1_2))));
      const pdf = tf.mul(1 / Math.sqrt(2 * Math.PI), tf.exp(tf.mul(-0.5, tf.square(u))));
      return tf.add(cdf, tf.mul(u, pdf));
    }
    const t = tf.tanh(tf.mul(SQRT_2_OVER_PI, tf.add(u, tf.mul(0.044715, tf.pow(u, 3)))));
    const dInner = tf.mul(SQRT_2_OVER_PI, tf.add(1, tf.mul(3 * 0.044715, tf.square(u))));
    return tf.add(tf.mul(0.5, tf.add(1, t)), tf.mul(tf.mul(tf.mul(0.5, u), tf.sub(1, tf.square(t))), dInner));
  });
}

/** gelu(x + bias), bias broadcast over the last axis. */
export function biasGelu(x: tf.Tensor, bias: tf.Tensor, approximate: GeluApproximation = 'erf'): tf.Tensor {
  if (hasFusedKernel(FUSED_BIAS_GELU)) {
    const attrs: BiasGeluAttrs = { approximate };
    return tf.engine().runKernel(FUSED_BIAS_GELU, { x, bias }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
  }
  return tf.tidy(() => gelu(tf.add(x, bias), approximate));
}

tf.registerGradient({
  kernelName: FUSED_BIAS_GELU,
  inputsToSave: ['x', 'bias'],
  gradFunc: (dy, saved, attrs) => {
    const [x, bias] = saved;
    const { approximate } = attrs as unknown as BiasGeluAttrs;
    if (hasFusedKernel(FUSED_BIAS_GELU_GRAD)) {
      const [dx, dBias] = tf.engine().runKernel(FUSED_BIAS_GELU_GRAD, { dy: dy as tf.Tensor, x, bias }, attrs) as tf.Tensor[];
      return { x: () => dx, bias: () => dBias };
    }
    const dz = () => tf.mul(dy as tf.Tensor, geluDerivative(tf.add(x, bias), approximate));
    return {
      x: dz,
      bias: () => tf.sum(dz(), [...Array(x.rank - 1).keys()]),
    };
  },
});
