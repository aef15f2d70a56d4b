import { describe, expect, it } from 'vitest';
import { averageRanks, pearson, spearman } from '../src/index.js';

describe('pearson', () => {
  it('matches a hand computation', () => {
    // x̄ = 2.5, ȳ = 5; dx = [-1.5, -0.5, 0.5, 1.5], dy = [-3, -1, 0, 4]
    // Σdxdy = 4.5 + 0.5 + 0 + 6 = 11, Σdx² = 5, Σdy² = 26 → r = 11/√130
    expect(pearson([1, 2, 3, 4], [2, 4, 5, 9])).toBeCloseTo(11 / Math.sqrt(130), 14);
    expect(pearson([1, 2, 3], [3, 2, 1])).toBe(-1);
  });

  it('is NaN for a constant input and rejects unpaired input', () => {
    expect(pearson([1, 1, 1], [1, 2, 3])).toBeNaN();
    expect(() => pearson([1, 2], [1])).toThrow('pearson: the two inputs must have the same length, got 2 and 1');
    expect(() => pearson([1], [1])).toThrow('pearson: needs at least 2 pairs, got 1');
  });
});

describe('spearman', () => {
  it('gives tied values their average rank', () => {
    expect(averageRanks([10, 20, 20, 30])).toEqual([1, 2.5, 2.5, 4]);
    expect(averageRanks([3, 1, 2, 1])).toEqual([4, 1.5, 3, 1.5]);
  });

  it('matches a hand computation with ties', () => {
    // ranks x = [1, 2.5, 2.5, 4], ranks y = [1, 3, 2, 4]; both means 2.5
    // dx = [-1.5, 0, 0, 1.5], dy = [-1.5, 0.5, -0.5, 1.5]
    // Σdxdy = 4.5, Σdx² = 4.5, Σdy² = 5 → ρ = 4.5/√22.5 = √0.9
    expect(spearman([1, 2, 2, 3], [1, 3, 2, 4])).toBeCloseTo(Math.sqrt(0.9), 14);
  });

  it('is 1 for any increasing relation, where Pearson is not', () => {
    const x = [1, 2, 3, 4, 5];
    const cubes = x.map((v) => v ** 3);
    expect(spearman(x, cubes)).toBe(1);
    expect(pearson(x, cubes)).toBeLessThan(0.99);
  });
});
