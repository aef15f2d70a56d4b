/**
 * The workbench's wasm kernels for the ops around the matmuls (wasm/elementwise.c) against core's
 * compositions of stock tfjs ops: values and gradients of bias + GELU (erf and tanh), LayerNorm,
 * add & LayerNorm, the dense layer (its gradient uses the 2-D transpose and column sums), and
 * softmax cross-entropy (wasm/cross-entropy.c).
 */
import * as tf from '@tensorflow/tfjs-core';
import '../src/train/gradients.js';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../src/backend.js';
import { registerWasmKernels } from '../src/kernels-wasm/load-node.js';
import { dense } from '../src/ops/dense.js';
import { crossEntropy, crossEntropyIgnoring } from '../src/ops/cross-entropy.js';
import {
  COLUMN_SUM,
  FUSED_BIAS_GELU_GRAD,
  FUSED_LAYER_NORM_GRAD,
  SOFTMAX_CROSS_ENTROPY,
  SOFTMAX_CROSS_ENTROPY_GRAD,
  TRANSPOSE_2D,
  hasFusedKernel,
  setFusedKernelsEnabled,
} from '../src/ops/fused.js';
import { biasGelu } from '../src/ops/gelu.js';
import { layerNorm } from '../src/ops/layer-norm.js';
import { maxAbsDiff } from './support/numeric.js';

beforeAll(async () => {
  await registerWasmKernels();
  await initBackend('wasm');
});

afterEach(() => setFusedKernelsEnabled(true));

/** Values and gradients of `f` on `inputs`, through the kernels and through stock ops. */
function compare(f: (...xs: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[], upstreamSeed: number) {
  const run = () => {
    const y = f(...inputs);
    const upstream = tf.randomNormal(y.shape, 0, 1, 'float32', upstreamSeed);
    const grads = tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(f(...xs), upstream)))(inputs);
    return [y, ...grads].map((t) => t.dataSync());
  };
  setFusedKernelsEnabled(true);
  const kernel = run();
  setFusedKernelsEnabled(false);
  const composed = run();
  return kernel.map((values, i) => maxAbsDiff(values, composed[i]));
}

describe('wasm elementwise kernels', () => {
  it('are registered for wasm', () => {
    for (const name of [FUSED_BIAS_GELU_GRAD, FUSED_LAYER_NORM_GRAD, TRANSPOSE_2D, COLUMN_SUM, SOFTMAX_CROSS_ENTROPY, SOFTMAX_CROSS_ENTROPY_GRAD]) expect(hasFusedKernel(name)).toBe(true);
  });

  for (const approximate of ['erf', 'tanh'] as const) {
    it(`bias + GELU (${approximate}) and its gradients match the composition`, () => {
      // Values from -6 to 6, where erf, tanh and the Gaussian in the derivative all matter.
      const x = tf.mul(tf.randomNormal([3, 5, 16], 0, 1, 'float32', 1), 3);
      const bias = tf.randomNormal([16], 0, 1, 'float32', 2);
      const diffs = compare((a, b) => biasGelu(a, b, approximate), [x, bias], 3);
      diffs.forEach((d) => expect(d).toBeLessThan(2e-5));
    });
  }

  it('softmax cross-entropy and its gradient match the composition, ignored rows included', () => {
    // Logits spread as a trained LM's are (up to ±20), over a vocabulary wider than a cache line of rows.
    const logits = tf.mul(tf.randomNormal([37, 1000], 0, 1, 'float32', 11), 5);
    const labels = Int32Array.from({ length: 37 }, (_, i) => (i * 389) % 1000);
    const ignoring = labels.map((label, i) => (i % 5 === 0 ? -100 : label));
    const diffs = [
      ...compare((x) => crossEntropy(x as tf.Tensor2D, labels), [logits], 12),
      ...compare((x) => crossEntropyIgnoring(x as tf.Tensor2D, ignoring), [logits], 13),
    ];
    diffs.forEach((d) => expect(d).toBeLessThan(2e-5));
  });

  it('LayerNorm and add & LayerNorm and their gradients match the composition', () => {
    const x = tf.randomNormal([4, 6, 32], 2, 3, 'float32', 4);
    const residual = tf.randomNormal([4, 6, 32], 0, 1, 'float32', 5);
    const gamma = tf.randomNormal([32], 1, 0.2, 'float32', 6);
    const beta = tf.randomNormal([32], 0, 0.2, 'float32', 7);
    compare((a, g, b) => layerNorm(a, g, b, 1e-12), [x, gamma, beta], 8).forEach((d) => expect(d).toBeLessThan(2e-5));
    compare((a, r, g, b) => layerNorm(a, g, b, 1e-5, r), [x, residual, gamma, beta], 9).forEach((d) => expect(d).toBeLessThan(2e-5));
  });

  it("the dense layer's gradients (transpose, column sums) match the composition", () => {
    // 70 × 45: not multiples of the transpose's 32 × 32 blocks.
    const x = tf.randomNormal([70, 45], 0, 1, 'float32', 10);
    const w = tf.randomNormal([45, 33], 0, 1, 'float32', 11);
    const b = tf.randomNormal([33], 0, 1, 'float32', 12);
    compare((a, k, c) => dense(a, k, c), [x, w, b], 13).forEach((d) => expect(d).toBeLessThan(1e-4));
    compare((a, k) => dense(a, k), [x, w], 14).forEach((d) => expect(d).toBeLessThan(1e-4));
  });
});
