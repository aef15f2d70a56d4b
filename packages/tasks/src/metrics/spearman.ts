import { checkPaired } from './check-inputs.js';
import { pearson } from './pearson.js';

/**
 * 1-based ranks with ties given the average of the ranks they span (scipy's
 * `rankdata(method='average')`): [10, 20, 20, 30] → [1, 2.5, 2.5, 4].
 */
export function averageRanks(values: ArrayLike<number>): number[] {
  const order = Array.from({ length: values.length }, (_, i) => i);
  for (const i of order) if (Number.isNaN(values[i])) throw new Error(`averageRanks: value ${i} is NaN`);
  order.sort((a, b) => values[a] - values[b]);
  const ranks = new Array<number>(values.length);
  for (let start = 0; start < order.length; ) {
    let end = start + 1;
    while (end < order.length && values[order[end]] === values[order[start]]) end++;
    const rank = (start + 1 + end) / 2; // mean of the 1-based ranks start+1 … end
    for (let k = start; k < end; k++) ranks[order[k]] = rank;
    start = end;
  }
  return ranks;
}

/** Spearman's rank correlation: Pearson's r of the average ranks (correct with ties). */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number {
  checkPaired('spearman', x, y, 2);
  return pearson(averageRanks(x), averageRanks(y));
}
