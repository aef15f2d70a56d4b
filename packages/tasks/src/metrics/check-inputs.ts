/** Argument checks shared by the metrics: a silent length mismatch would score the wrong pairs. */
export function checkPaired(name: string, a: ArrayLike<unknown>, b: ArrayLike<unknown>, minLength = 1): void {
  if (a.length !== b.length) {
    throw new Error(`${name}: the two inputs must have the same length, got ${a.length} and ${b.length}`);
  }
  if (a.length < minLength) {
    throw new Error(`${name}: needs at least ${minLength} pair${minLength === 1 ? '' : 's'}, got ${a.length}`);
  }
}
