/**
 * The workbench's wasm attention kernel (wasm/attention.c) against core's composition of stock
 * tfjs ops: the same context, probabilities and gradients, with padded keys, cross-attention
 * shapes and the probabilities' own gradient.
 */
import * as tf from '@tensorflow/tfjs-core';
import '../src/train/gradients.js';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../src/backend.js';
import { registerWasmKernels } from '../src/kernels-wasm/load-node.js';
import { attention } from '../src/ops/attention.js';
import { FUSED_ATTENTION, FUSED_ATTENTION_GRAD, hasFusedKernel, setFusedKernelsEnabled } from '../src/ops/fused.js';
import { maxAbsDiff } from './support/numeric.js';

beforeAll(async () => {
  await registerWasmKernels();
  await initBackend('wasm');
});

afterEach(() => setFusedKernelsEnabled(true));

function bothPaths<T>(run: () => T): { kernel: T; composed: T } {
  setFusedKernelsEnabled(true);
  const kernel = run();
  setFusedKernelsEnabled(false);
  const composed = run();
  setFusedKernelsEnabled(true);
  return { kernel, composed };
}

describe('wasm fused attention', () => {
  // batch 2, heads 3, 5 queries, 7 keys, head size 8; the second sequence has 3 padded keys.
  let q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, mask: tf.Tensor2D;
  beforeAll(() => {
    q = tf.randomNormal([2, 3, 5, 8], 0, 1, 'float32', 11);
    k = tf.randomNormal([2, 3, 7, 8], 0, 1, 'float32', 12);
    v = tf.randomNormal([2, 3, 7, 8], 0, 1, 'float32', 13);
    mask = tf.tensor2d([[1, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 0, 0, 0]]);
  });

  it('is registered for wasm, with its gradient', () => {
    expect(hasFusedKernel(FUSED_ATTENTION)).toBe(true);
    expect(hasFusedKernel(FUSED_ATTENTION_GRAD)).toBe(true);
  });

  it('gives the composed context and probabilities; padded keys weigh exactly 0', () => {
    const { kernel, composed } = bothPaths(() => attention(q, k, v, mask, { returnProbs: true }));
    expect(maxAbsDiff(kernel.context.dataSync(), composed.context.dataSync())).toBeLessThan(1e-5);
    expect(maxAbsDiff(kernel.probs!.dataSync(), composed.probs!.dataSync())).toBeLessThan(1e-6);
    const padded = tf.slice(kernel.probs!, [1, 0, 0, 4], [1, 3, 5, 3]);
    expect(Array.from(padded.dataSync()).every((p) => p === 0)).toBe(true);
    const rowSums = tf.sum(kernel.probs!, -1).dataSync();
    for (const s of rowSums) expect(Math.abs(s - 1)).toBeLessThan(1e-6);
  });

  it('gives the composed gradients for q, k and v, through the context and the probabilities', () => {
    const dContext = tf.randomNormal([2, 3, 5, 8], 0, 1, 'float32', 14);
    const dProbs = tf.randomNormal([2, 3, 5, 7], 0, 1, 'float32', 15);
    const loss = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => {
      const { context, probs } = attention(a as tf.Tensor4D, b as tf.Tensor4D, c as tf.Tensor4D, mask, { returnProbs: true });
      return tf.add(tf.sum(tf.mul(context, dContext)), tf.sum(tf.mul(probs!, dProbs)));
    };
    const { kernel, composed } = bothPaths(() => tf.grads(loss)([q, k, v]));
    kernel.forEach((g, i) => {
      expect(g.shape).toEqual(composed[i].shape);
      expect(maxAbsDiff(g.dataSync(), composed[i].dataSync())).toBeLessThan(1e-5);
    });
    // A gradient that a wrong kernel would not reproduce: the values are far from zero.
    expect(Math.max(...Array.from(kernel[0].dataSync()).map(Math.abs))).toBeGreaterThan(0.1);
  });

  it('matches on a BERT-sized batch (4 × 2 heads × 128 × 64)', () => {
    const big: [number, number, number, number] = [4, 2, 128, 64];
    const [bq, bk, bv] = [21, 22, 23].map((seed) => tf.randomNormal(big, 0, 1, 'float32', seed) as tf.Tensor4D);
    const keep = tf.concat([tf.ones([4, 100]), tf.zeros([4, 28])], 1);
    const { kernel, composed } = bothPaths(() => attention(bq, bk, bv, keep).context);
    expect(maxAbsDiff(kernel.dataSync(), composed.dataSync())).toBeLessThan(1e-5);
  });
});
