/** The one cross-entropy every loss uses, against values worked out by hand. */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../src/backend.js';
import { crossEntropy, crossEntropyIgnoring } from '../src/ops/cross-entropy.js';

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
