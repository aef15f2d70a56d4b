import { describe, expect, it } from 'vitest';
import { Rng } from '@wb/core';
import { fitThreshold, thresholdAccuracy } from '../src/index.js';

/** Every threshold that can matter, tried one by one: O(n²), obviously right. */
function bruteForce(similarities: number[], labels: boolean[]): number {
  const values = [...new Set(similarities)].sort((a, b) => a - b);
  const candidates = [values[0] - 1, ...values.slice(1).map((v, i) => (values[i] + v) / 2), values[values.length - 1] + 1];
  return Math.max(...candidates.map((t) => similarities.filter((s, i) => s > t === labels[i]).length / labels.length));
}

describe('WiC threshold', () => {
  it('finds the cut worked out by hand', () => {
    // Sorted: -0.2 F, 0.1 F, 0.3 T, 0.5 F, 0.8 T, 0.9 T. Correct per cut: all-T 3, after -0.2 4,
    // after 0.1 5, after 0.3 4, after 0.5 5, after 0.8 4, all-F 3. Two cuts reach 5/6; the lower,
    // (0.1 + 0.3) / 2 = 0.2, wins.
    const fit = fitThreshold([0.9, 0.5, 0.1, 0.8, -0.2, 0.3], [true, false, false, true, false, true]);
    expect(fit.threshold).toBeCloseTo(0.2, 12);
    expect(fit.accuracy).toBeCloseTo(5 / 6, 12);
    expect(thresholdAccuracy([0.25, 0.15, 0.2], [true, false, false], 0.2)).toBeCloseTo(1, 12);
  });

  it('never cuts between equal similarities, and handles all-equal and one-class data', () => {
    // 0.5 T, 0.5 F, 0.5 F: no threshold separates them; predicting all F gets 2/3.
    const fit = fitThreshold([0.5, 0.5, 0.5], [true, false, false]);
    expect(fit.accuracy).toBeCloseTo(2 / 3, 12);
    expect(fit.threshold).toBe(1.5);
    expect(fitThreshold([0.1, 0.7], [true, true])).toEqual({ threshold: -0.9, accuracy: 1 });
    expect(() => fitThreshold([], [])).toThrow(/no examples/);
    expect(() => fitThreshold([0.1], [true, false])).toThrow(/1 similarities but 2 labels/);
  });

  it('matches a brute-force search on random data with ties', () => {
    const rng = new Rng(7);
    for (let trial = 0; trial < 50; trial++) {
      const n = 1 + rng.int(40);
      // Rounded to two decimals so that ties happen.
      const similarities = Array.from({ length: n }, () => Math.round((rng.next() * 2 - 1) * 100) / 100);
      const labels = similarities.map((s) => rng.next() < 0.5 + s / 3);
      const fit = fitThreshold(similarities, labels);
      expect(fit.accuracy).toBeCloseTo(bruteForce(similarities, labels), 12);
      expect(thresholdAccuracy(similarities, labels, fit.threshold)).toBeCloseTo(fit.accuracy, 12);
    }
  });
});
