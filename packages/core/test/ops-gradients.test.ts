/** The training-path ops: `dense` and `gatherRows` give the same values and gradients as the math says. */
import * as tf from '@tensorflow/tfjs-core';
import '../src/train/gradients.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../src/backend.js';
import { dense } from '../src/ops/dense.js';
import { gatherRows } from '../src/ops/gather-rows.js';
import { maxAbsDiff } from './support/numeric.js';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('dense', () => {
  it('matches x·W + b and its gradients from tfjs matMul', () => {
    const x = tf.randomNormal([7, 5], 0, 1, 'float32', 1);
    const w = tf.randomNormal([5, 3], 0, 1, 'float32', 2);
    const b = tf.randomNormal([3], 0, 1, 'float32', 3);
    const upstream = tf.randomNormal([7, 3], 0, 1, 'float32', 4);
    const ours = tf.grads((a: tf.Tensor, k: tf.Tensor, c: tf.Tensor) => tf.sum(tf.mul(dense(a, k, c), upstream)))([x, w, b]);
    const stock = tf.grads((a: tf.Tensor, k: tf.Tensor, c: tf.Tensor) => tf.sum(tf.mul(tf.add(tf.matMul(a, k), c), upstream)))([x, w, b]);
    expect(maxAbsDiff(dense(x, w, b).dataSync(), tf.add(tf.matMul(x, w), b).dataSync())).toBeLessThan(1e-5);
    ours.forEach((g, i) => expect(maxAbsDiff(g.dataSync(), stock[i].dataSync())).toBeLessThan(1e-5));
  });

  it('refuses inputs that are not 2-D', () => {
    expect(() => dense(tf.zeros([2, 3, 4]), tf.zeros([4, 2]))).toThrow(/expected 2-D input and weight, got \[2,3,4\]/);
  });
});

describe('gatherRows', () => {
  it('gathers rows for any index shape and sums the gradient of repeated rows', () => {
    const table = tf.tensor2d([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const indices = tf.tensor2d([
      [2, 0],
      [2, 2],
    ], [2, 2], 'int32');
    expect(gatherRows(table, indices).arraySync()).toEqual([
      [[5, 6], [1, 2]],
      [[5, 6], [5, 6]],
    ]);
    const upstream = tf.tensor3d([[[1, 10], [2, 20]], [[3, 30], [4, 40]]]);
    const grad = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(gatherRows(t, indices), upstream)))(table);
    // Row 0 once (2, 20); row 1 never; row 2 three times (1+3+4, 10+30+40).
    expect(grad.arraySync()).toEqual([
      [2, 20],
      [0, 0],
      [8, 80],
    ]);
  });
});
