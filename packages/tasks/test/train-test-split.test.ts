import { describe, expect, it } from 'vitest';
import { trainTestSplit } from '../src/index.js';

describe('trainTestSplit', () => {
  it('splits every index exactly once, test size rounded up like scikit-learn', () => {
    const { train, test } = trainTestSplit(10, 0.25, 42);
    expect(test).toHaveLength(3); // ceil(10 · 0.25) = ceil(2.5)
    expect(train).toHaveLength(7);
    expect([...train, ...test].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // 100 · 0.07 is 7.000000000000001 in floating point; that must not make 8.
    expect(trainTestSplit(100, 0.07, 1).test).toHaveLength(7);
  });

  it('is reproducible from the seed and shuffled', () => {
    expect(trainTestSplit(50, 0.2, 7)).toEqual(trainTestSplit(50, 0.2, 7));
    expect(trainTestSplit(50, 0.2, 7)).not.toEqual(trainTestSplit(50, 0.2, 8));
    const { train } = trainTestSplit(50, 0.2, 7);
    expect(train).not.toEqual([...train].sort((a, b) => a - b));
  });

  it('rejects fractions that leave a side empty', () => {
    expect(() => trainTestSplit(10, 0, 1)).toThrow('testFraction must be in (0, 1), got 0');
    expect(() => trainTestSplit(2, 0.9, 1)).toThrow('leaves no training rows');
    expect(() => trainTestSplit(1, 0.5, 1)).toThrow('n must be an integer ≥ 2');
  });
});
