/**
 * k-nearest-neighbour sense classification by cosine similarity (as in Wiedemann et al. 2019,
 * "Does BERT make any sense?"): a test vector takes the majority sense of its k most similar
 * training vectors; when senses tie on votes, the one with the nearest neighbour among them wins.
 */
import * as tf from '@tensorflow/tfjs-core';

/**
 * Cosine similarities of every row of `a` with every row of `b`, row-major [a.length × b.length].
 * One matrix product on the tfjs backend: thousands of BERT vectors per word make plain loops
 * the slow part of an evaluation. Zero vectors have similarity 0 with everything. Read back with
 * `await data()`, so that it runs on a GPU backend (WebGPU refuses synchronous reads).
 */
export async function cosineMatrix(a: readonly Float32Array[], b: readonly Float32Array[]): Promise<Float32Array> {
  if (a.length === 0 || b.length === 0) return new Float32Array(0);
  const dim = a[0].length;
  for (const v of [...a, ...b]) {
    if (v.length !== dim) throw new Error(`cosineMatrix: vectors of length ${v.length} and ${dim}`);
  }
  const stack = (rows: readonly Float32Array[]) => {
    const flat = new Float32Array(rows.length * dim);
    rows.forEach((row, i) => flat.set(row, i * dim));
    return flat;
  };
  const product = tf.tidy(() => {
    const unit = (flat: Float32Array, rows: number) => {
      const m = tf.tensor2d(flat, [rows, dim]);
      const norms = tf.norm(m, 'euclidean', 1, true);
      // Dividing by max(norm, tiny) keeps zero rows at zero instead of NaN.
      return tf.div(m, tf.maximum(norms, 1e-30));
    };
    return tf.matMul(unit(stack(a), a.length), unit(stack(b), b.length), false, true);
  });
  try {
    return (await product.data()) as Float32Array;
  } finally {
    product.dispose();
  }
}

/**
 * Similarities this close to the k-th neighbour's count as equal: identical vectors can come out
 * of a matrix product a rounding error apart.
 */
const TIE_TOLERANCE = 1e-6;

/** Vote totals closer than this are a tie (they are sums of fractions). */
const VOTE_TOLERANCE = 1e-9;

/**
 * The predicted label of each row of `similarities` ([rows × labels.length], as cosineMatrix
 * returns): majority of the k most similar training examples, ties broken by the nearest.
 *
 * When several training examples are exactly as similar as the k-th one, which of them are "the
 * k nearest" is arbitrary, so they share the remaining votes equally instead (the expected vote
 * of a random pick). The result then does not depend on the order of the training set: with a
 * static (context-free) vector every occurrence of a word form is equally near, and k-NN gives
 * that form's most frequent sense.
 */
export function knnPredict<L>(similarities: Float32Array, labels: readonly L[], k: number): L[] {
  if (!Number.isInteger(k) || k < 1) throw new Error(`k must be a positive integer, got ${k}`);
  const columns = labels.length;
  if (columns === 0) throw new Error('knnPredict: no training examples');
  if (similarities.length % columns !== 0) {
    throw new Error(`knnPredict: ${similarities.length} similarities is not a whole number of rows of ${columns}`);
  }
  const rows = similarities.length / columns;
  const kk = Math.min(k, columns);
  const predictions: L[] = [];
  for (let r = 0; r < rows; r++) {
    const row = similarities.subarray(r * columns, (r + 1) * columns);
    predictions.push(vote(weightedNeighbours(row, kk), labels));
  }
  return predictions;
}

/**
 * The k nearest as (index, weight), nearest first: weight 1 for those clearly nearer than the
 * k-th, and the remaining votes split evenly among all that tie with the k-th.
 */
function weightedNeighbours(row: Float32Array, k: number): Array<{ index: number; weight: number }> {
  const top = nearest(row, k);
  const kth = row[top[k - 1]];
  // Everything above the tie band is in `top`, since nothing outside `top` beats the k-th.
  const sure = top.filter((j) => row[j] > kth + TIE_TOLERANCE);
  const tied: number[] = [];
  for (let j = 0; j < row.length; j++) if (Math.abs(row[j] - kth) <= TIE_TOLERANCE) tied.push(j);
  tied.sort((a, b) => row[b] - row[a] || a - b);
  const share = (k - sure.length) / tied.length;
  return [...sure.map((index) => ({ index, weight: 1 })), ...tied.map((index) => ({ index, weight: share }))];
}

/** Indices of the k largest values, largest first (insertion into a sorted list of k: O(n·k)). */
function nearest(row: Float32Array, k: number): number[] {
  const top: number[] = [];
  for (let j = 0; j < row.length; j++) {
    if (top.length === k && row[j] <= row[top[k - 1]]) continue;
    let at = top.length === k ? k - 1 : top.length;
    // Strict ">" keeps earlier indices ahead of later ones with the same similarity.
    while (at > 0 && row[j] > row[top[at - 1]]) at--;
    top.splice(at, 0, j);
    if (top.length > k) top.pop();
  }
  return top;
}

/** The label with the most votes; on a tie, the tied label whose neighbour comes first (the nearest). */
function vote<L>(neighbours: ReadonlyArray<{ index: number; weight: number }>, labels: readonly L[]): L {
  const totals = new Map<L, number>();
  for (const { index, weight } of neighbours) totals.set(labels[index], (totals.get(labels[index]) ?? 0) + weight);
  const most = Math.max(...totals.values());
  return labels[neighbours.find(({ index }) => totals.get(labels[index])! >= most - VOTE_TOLERANCE)!.index];
}
