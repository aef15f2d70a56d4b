/** Largest |a - b| over two nested arrays of the same shape (throws when shapes differ). */
export function maxAbsDiff(a: unknown, b: unknown, path = ''): number {
  if (Array.isArray(a) || ArrayBuffer.isView(a)) {
    const xs = a as ArrayLike<unknown>;
    const ys = b as ArrayLike<unknown>;
    if (!ys || xs.length !== ys.length) {
      throw new Error(`shape mismatch at ${path || 'root'}: ${xs.length} vs ${ys?.length}`);
    }
    let worst = 0;
    for (let i = 0; i < xs.length; i++) worst = Math.max(worst, maxAbsDiff(xs[i], ys[i], `${path}[${i}]`));
    return worst;
  }
  return Math.abs((a as number) - (b as number));
}
