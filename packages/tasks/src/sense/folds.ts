/** K-fold cross-validation splits from a seeded shuffle, so a run can be repeated exactly. */
import { Rng } from '@wb/core';

export interface FoldSplit {
  train: number[];
  test: number[];
}

/**
 * Shuffles 0..n-1 with `seed`, cuts the order into `k` contiguous folds of sizes differing by at
 * most one, and returns each fold as test set with the others as training set. Every index is
 * tested exactly once.
 */
export function kFolds(n: number, k: number, seed: number): FoldSplit[] {
  if (!Number.isInteger(k) || k < 2) throw new Error(`k-fold needs k >= 2, got ${k}`);
  if (n < k) throw new Error(`${k}-fold cross-validation needs at least ${k} examples, got ${n}`);
  const order = new Rng(seed).shuffle(Array.from({ length: n }, (_, i) => i));
  const bounds = Array.from({ length: k + 1 }, (_, f) => Math.floor((f * n) / k));
  return Array.from({ length: k }, (_, f) => ({
    test: order.slice(bounds[f], bounds[f + 1]),
    train: [...order.slice(0, bounds[f]), ...order.slice(bounds[f + 1])],
  }));
}
