import { checkPaired } from './check-inputs.js';

/**
 * Pearson's correlation coefficient. NaN when either input is constant (the coefficient is
 * undefined there; scipy returns nan too), rather than an arbitrary 0 that looks like a result.
 */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  checkPaired('pearson', x, y, 2);
  const n = x.length;
  let meanX = 0;
  let meanY = 0;
  for (let i = 0; i < n; i++) {
    meanX += x[i];
    meanY += y[i];
  }
  meanX /= n;
  meanY /= n;
  // Centred sums (two passes) rather than sum-of-squares shortcuts, which lose precision.
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - meanX;
    const dy = y[i] - meanY;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return NaN;
  // Rounding can push |r| a hair past 1 for perfectly correlated data.
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}
