import { Rng } from '@wb/core';

/**
 * A seeded random split of row indices 0..n-1: `test` gets ceil(n·testFraction) of them (as
 * scikit-learn's `train_test_split` rounds), `train` the rest, both in shuffled order. The same
 * (n, testFraction, seed) always gives the same split, so a recorded seed reproduces it.
 */
export function trainTestSplit(n: number, testFraction: number, seed: number): { train: number[]; test: number[] } {
  if (!Number.isInteger(n) || n < 2) throw new Error(`trainTestSplit: n must be an integer ≥ 2, got ${n}`);
  if (!(testFraction > 0 && testFraction < 1)) throw new Error(`trainTestSplit: testFraction must be in (0, 1), got ${testFraction}`);
  // The tolerance keeps float error in n·f (100 × 0.07 = 7.000000000000001) from adding a row.
  const testSize = Math.ceil(n * testFraction - 1e-9);
  if (testSize >= n) throw new Error(`trainTestSplit: testFraction ${testFraction} of ${n} rows leaves no training rows`);
  const order = new Rng(seed).shuffle(Array.from({ length: n }, (_, i) => i));
  return { test: order.slice(0, testSize), train: order.slice(testSize) };
}
