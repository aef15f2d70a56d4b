/**
 * Per-class precision, recall and F1 for single-label classification, and their macro average
 * (the unweighted mean over classes, so a rare class counts as much as a frequent one).
 * Conventions follow scikit-learn's `precision_recall_fscore_support` with `zero_division=0`:
 * a class never predicted has precision 0, a class never in the gold labels has recall 0, and
 * the classes are the sorted union of gold and predicted labels unless `labels` is given.
 */
import { checkPaired } from './check-inputs.js';

export interface ClassScores {
  precision: number;
  recall: number;
  f1: number;
  /** Number of gold examples of the class. */
  support: number;
}

export interface ClassificationReport<L> {
  labels: L[];
  /** Aligned with `labels`. */
  perClass: ClassScores[];
  macro: { precision: number; recall: number; f1: number };
}

export function classificationReport<L extends string | number>(
  yTrue: ArrayLike<L>,
  yPred: ArrayLike<L>,
  options: { labels?: L[] } = {},
): ClassificationReport<L> {
  checkPaired('classificationReport', yTrue, yPred);
  const labels = options.labels ?? sortedUnion(yTrue, yPred);
  if (labels.length === 0) throw new Error('classificationReport: labels is empty');
  const index = new Map(labels.map((label, i) => [label, i]));
  const truePositive = new Array<number>(labels.length).fill(0);
  const goldCount = new Array<number>(labels.length).fill(0);
  const predictedCount = new Array<number>(labels.length).fill(0);
  for (let i = 0; i < yTrue.length; i++) {
    const gold = index.get(yTrue[i]);
    const predicted = index.get(yPred[i]);
    if (gold !== undefined) goldCount[gold]++;
    if (predicted !== undefined) predictedCount[predicted]++;
    if (gold !== undefined && gold === predicted) truePositive[gold]++;
  }
  const perClass = labels.map((_, c): ClassScores => {
    const precision = predictedCount[c] === 0 ? 0 : truePositive[c] / predictedCount[c];
    const recall = goldCount[c] === 0 ? 0 : truePositive[c] / goldCount[c];
    return { precision, recall, f1: harmonicMean(precision, recall), support: goldCount[c] };
  });
  const mean = (key: 'precision' | 'recall' | 'f1') => perClass.reduce((sum, s) => sum + s[key], 0) / perClass.length;
  return { labels, perClass, macro: { precision: mean('precision'), recall: mean('recall'), f1: mean('f1') } };
}

/** Unweighted mean of the per-class F1 scores. */
export function macroF1<L extends string | number>(yTrue: ArrayLike<L>, yPred: ArrayLike<L>, options: { labels?: L[] } = {}): number {
  return classificationReport(yTrue, yPred, options).macro.f1;
}

/** F1 as the harmonic mean of precision and recall; 0 when both are 0. */
export function harmonicMean(precision: number, recall: number): number {
  return precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
}

function sortedUnion<L extends string | number>(a: ArrayLike<L>, b: ArrayLike<L>): L[] {
  const labels = [...new Set([...Array.from(a), ...Array.from(b)])];
  return labels.sort((x, y) => (typeof x === 'number' && typeof y === 'number' ? x - y : String(x) < String(y) ? -1 : String(x) > String(y) ? 1 : 0));
}
