/**
 * The WiC paper's unsupervised baseline for contextual embeddings: "same meaning" when the
 * cosine similarity of the two target vectors is above a threshold, the threshold being the one
 * that maximises training accuracy. Any threshold strictly between two consecutive distinct
 * similarities gives the same predictions, so trying the midpoints of the sorted values (plus
 * one cut below all and one above all) is exact; with prefix counts it is O(n log n).
 */

export interface ThresholdFit {
  /** Predict "same meaning" when similarity > threshold. */
  threshold: number;
  /** Accuracy on the data it was fit on, in [0, 1]. */
  accuracy: number;
}

/** Accuracy of "same meaning iff similarity > threshold", in [0, 1]. */
export function thresholdAccuracy(similarities: ArrayLike<number>, labels: readonly boolean[], threshold: number): number {
  checkLengths(similarities, labels);
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (similarities[i] > threshold === labels[i]) correct++;
  return labels.length ? correct / labels.length : 0;
}

/**
 * The threshold with the highest accuracy on (similarities, labels). Among equally good cuts the
 * lowest threshold wins, so the result does not depend on the input order. The cuts below all
 * values and above all values sit one unit beyond the extreme value.
 */
export function fitThreshold(similarities: ArrayLike<number>, labels: readonly boolean[]): ThresholdFit {
  checkLengths(similarities, labels);
  const n = labels.length;
  if (n === 0) throw new Error('fitThreshold: no examples');
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => similarities[a] - similarities[b]);
  const sorted = order.map((i) => similarities[i]);
  const positives = labels.reduce((count, label) => count + (label ? 1 : 0), 0);
  // Cut c: the c lowest are predicted "different", the rest "same". Correct = negatives below
  // the cut + positives above it. Start with c = 0 (everything "same").
  let negativesBelow = 0;
  let positivesBelow = 0;
  let best = { correct: positives, threshold: sorted[0] - 1 };
  for (let c = 1; c <= n; c++) {
    if (labels[order[c - 1]]) positivesBelow++;
    else negativesBelow++;
    // A cut between equal values cannot be made by any threshold.
    if (c < n && sorted[c - 1] === sorted[c]) continue;
    const correct = negativesBelow + positives - positivesBelow;
    if (correct > best.correct) best = { correct, threshold: c < n ? (sorted[c - 1] + sorted[c]) / 2 : sorted[n - 1] + 1 };
  }
  return { threshold: best.threshold, accuracy: best.correct / n };
}

function checkLengths(similarities: ArrayLike<number>, labels: readonly boolean[]): void {
  if (similarities.length !== labels.length) {
    throw new Error(`${similarities.length} similarities but ${labels.length} labels`);
  }
}
