/** The one cross-entropy every loss uses, against values worked out by hand. */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../src/backend.js';
import { crossEntropy, crossEntropyIgnoring } from '../src/ops/cross-entropy.js';
import '../src/train/gradients.js';

const logSumExp = (row: number[]) => Math.log(row.reduce((s, x) => s + Math.exp(x), 0));
const ROWS = [
  [2, 0, 0],
  [0, 1, 0],
  [5, 5, 5],
  [0, 0, 3],
];

beforeAll(async () => {
  await initBackend('cpu');
});

describe('crossEntropy', () => {
  it('is the mean of −log softmax(logits)[label]', () => {
    const logits = tf.tensor2d(ROWS);
    const loss = crossEntropy(logits, Int32Array.from([0, 2, 1, 2]));
    const expected = (logSumExp(ROWS[0]) - 2 + logSumExp(ROWS[1]) - 0 + logSumExp(ROWS[2]) - 5 + logSumExp(ROWS[3]) - 3) / 4;
    expect(loss.dataSync()[0]).toBeCloseTo(expected, 5);
    expect(expected).toBeCloseTo(0.7461, 4); // the same sum worked out in Python
    tf.dispose([logits, loss]);
  });
});

describe('crossEntropyIgnoring', () => {
  it('averages over the positions not labelled -100, as PyTorch ignore_index', () => {
    const logits = tf.tensor2d(ROWS);
    const loss = crossEntropyIgnoring(logits, Int32Array.from([0, -100, -100, 2]));
    const expected = (logSumExp(ROWS[0]) - 2 + (logSumExp(ROWS[3]) - 3)) / 2;
    expect(loss.dataSync()[0]).toBeCloseTo(expected, 5);
    expect(crossEntropyIgnoring(logits, Int32Array.from([-100, -100, -100, -100])).dataSync()[0]).toBeCloseTo(0, 9);
    expect(() => crossEntropyIgnoring(logits, Int32Array.from([0, 0, 7, 0]))).toThrow(/label 7 at row 2/);
  });
});

describe('the gradient', () => {
  it('is (softmax − onehot(label)) / rows, as autodiff through tf.logSoftmax gives it', () => {
    const logits = tf.tensor2d(ROWS);
    const labels = Int32Array.from([0, 2, 1, 2]);
    const grad = tf.grad((x: tf.Tensor) => crossEntropy(x as tf.Tensor2D, labels))(logits);
    const byHand = ROWS.map((row, r) => row.map((x, c) => (Math.exp(x - logSumExp(row)) - (c === labels[r] ? 1 : 0)) / ROWS.length));
    (grad.arraySync() as number[][]).forEach((row, r) => row.forEach((g, c) => expect(g).toBeCloseTo(byHand[r][c], 6)));
    const autodiff = tf.grad((x: tf.Tensor) => tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(x), tf.oneHot(tf.tensor1d(labels, 'int32'), 3)), 1))))(logits);
    expect(tf.max(tf.abs(tf.sub(grad, autodiff))).dataSync()[0]).toBeLessThan(1e-6);
    // Rows labelled -100 get no gradient.
    const ignoring = tf.grad((x: tf.Tensor) => crossEntropyIgnoring(x as tf.Tensor2D, Int32Array.from([0, -100, -100, 2])))(logits).arraySync() as number[][];
    expect(ignoring[1].map(Math.abs)).toEqual([0, 0, 0]);
    expect(ignoring[3][2]).toBeCloseTo((Math.exp(3 - logSumExp(ROWS[3])) - 1) / 2, 6);
    tf.dispose([logits, grad, autodiff]);
  });
});
