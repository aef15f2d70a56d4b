import { beforeAll, describe, expect, it } from 'vitest';
import { cosineSimilarity, initBackend } from '@wb/core';
import { cosineMatrix, kFolds, knnCrossValidate, knnPredict, mfsCrossValidate } from '../src/index.js';

const v = (...xs: number[]) => Float32Array.from(xs);

beforeAll(async () => {
  await initBackend('cpu');
});

describe('cosineMatrix', () => {
  it('is the cosine of every pair, with 0 for zero vectors', async () => {
    const a = [v(1, 2, 3), v(0, 0, 0), v(-1, 0.5, 2)];
    const b = [v(3, 2, 1), v(1, 2, 3)];
    const m = await cosineMatrix(a, b);
    expect(m).toHaveLength(6);
    a.forEach((x, i) => b.forEach((y, j) => expect(m[i * 2 + j]).toBeCloseTo(cosineSimilarity(x, y), 6)));
    expect(m[2]).toBe(0);
  });
});

describe('knnPredict on hand-made vectors', () => {
  // Rows of similarities to the training set, so each case can be read off directly.
  const predict = async <L>(test: Float32Array[], train: Float32Array[], labels: L[], k: number) => knnPredict(await cosineMatrix(test, train), labels, k);

  it('takes the nearest with k = 1 and the majority of the k nearest', async () => {
    const train = [v(1, 0), v(0.9, 0.1), v(0, 1), v(0.1, 0.9), v(-1, 0)];
    const labels = ['A', 'A', 'B', 'B', 'C'];
    expect(await predict([v(0.8, 0.2), v(0.2, 0.8), v(-1, 0.1)], train, labels, 1)).toEqual(['A', 'B', 'C']);
    // The 3 nearest of (-1, 0.1): C (-1, 0), then B (0.1, 0.9) and B (0, 1): B outvotes the nearest.
    expect(await predict([v(-1, 0.1)], train, labels, 3)).toEqual(['B']);
    // k larger than the training set: everyone votes, A and B tie 2–2, and B's (0, 1) is nearer
    // than A's (1, 0).
    expect(await predict([v(-1, 0.1)], train, labels, 50)).toEqual(['B']);
  });

  it('breaks a vote tie by the nearest neighbour', async () => {
    const train = [v(1, 0), v(0, 1)];
    // k = 2: one vote each; (0.6, 0.8) is nearer (0, 1), (0.8, 0.6) nearer (1, 0).
    expect(await predict([v(0.6, 0.8), v(0.8, 0.6)], train, ['A', 'B'], 2)).toEqual(['B', 'A']);
  });

  it('splits the votes left for the k-th neighbour among all as near, so the training order does not matter', async () => {
    // Three identical training vectors: with k = 1 all three are "the nearest", a third of a vote
    // each; B has two of them.
    expect(await predict([v(1, 0)], [v(1, 0), v(1, 0), v(1, 0), v(0, 1)], ['A', 'B', 'B', 'A'], 1)).toEqual(['B']);
    expect(await predict([v(1, 0)], [v(1, 0), v(1, 0), v(1, 0), v(0, 1)], ['B', 'A', 'B', 'A'], 1)).toEqual(['B']);
    // k = 3: two A clearly nearest (a vote each); the third vote is shared by the three
    // equidistant B (1/3 each): A wins 2 to 1, however many B there are.
    const train = [v(0, 1), v(0, 1), v(1, 0), v(0, 1), v(0.9, 0.1)];
    expect(await predict([v(1, 0)], train, ['B', 'B', 'A', 'B', 'A'], 3)).toEqual(['A']);
  });

  it('rejects a bad k or a matrix that does not match the labels', () => {
    expect(() => knnPredict(new Float32Array(4), ['A', 'B'], 0)).toThrow(/positive integer/);
    expect(() => knnPredict(new Float32Array(3), ['A', 'B'], 1)).toThrow(/not a whole number of rows of 2/);
  });
});

describe('k-fold cross-validation', () => {
  it('tests every index exactly once, in folds whose sizes differ by at most one, repeatably', () => {
    const folds = kFolds(17, 5, 42);
    expect(folds).toHaveLength(5);
    const tested = folds.flatMap((f) => f.test).sort((a, b) => a - b);
    expect(tested).toEqual(Array.from({ length: 17 }, (_, i) => i));
    for (const f of folds) {
      expect([3, 4]).toContain(f.test.length);
      expect([...f.train, ...f.test].sort((a, b) => a - b)).toEqual(tested);
    }
    expect(kFolds(17, 5, 42)).toEqual(folds);
    expect(kFolds(17, 5, 43)).not.toEqual(folds);
    expect(() => kFolds(3, 5, 0)).toThrow(/needs at least 5 examples, got 3/);
  });

  it('scores MFS with the sense counted on the training folds (ties: alphabetical)', () => {
    const folds = [
      { train: [0, 1], test: [2] }, // MFS a; 2 is b: wrong
      { train: [1, 2], test: [0] }, // a and b tie: a; 0 is a: right
      { train: [0, 2], test: [1] }, // tie again: a; right
    ];
    expect(mfsCrossValidate(['a', 'a', 'b'], folds)).toBeCloseTo(2 / 3, 12);
  });

  it('scores k-NN with each instance predicted from the other folds', async () => {
    // Two clean clusters: the nearest training point is always in the own cluster, whatever the folds.
    const clusters = [v(1, 0), v(0.9, 0.1), v(0.95, 0.05), v(0, 1), v(0.1, 0.9), v(0.05, 0.95)];
    expect(await knnCrossValidate(clusters, ['A', 'A', 'A', 'B', 'B', 'B'], kFolds(6, 3, 1), 1)).toBe(1);
    // Hand-made folds. Fold 1 trains on 0 (A) and 2 (B): 1 → nearest 0: A, right; 3 → nearest 2:
    // B, wrong. Fold 2 trains on 1 (A) and 3 (A): 0 → A, right; 2 → A, wrong.
    const vectors = [v(1, 0), v(0.9, 0.1), v(0, 1), v(0.1, 0.9)];
    const folds = [
      { train: [0, 2], test: [1, 3] },
      { train: [1, 3], test: [0, 2] },
    ];
    expect(await knnCrossValidate(vectors, ['A', 'A', 'B', 'A'], folds, 1)).toBeCloseTo(2 / 4, 12);
  });
});
