import { checkPaired } from './check-inputs.js';

/** Fraction of positions where the prediction equals the gold label. */
export function accuracy<L>(yTrue: ArrayLike<L>, yPred: ArrayLike<L>): number {
  checkPaired('accuracy', yTrue, yPred);
  let correct = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) correct++;
  return correct / yTrue.length;
}
