/**
 * Principal components of a few vectors (words in contexts): the top `k` eigenvectors of the
 * centred Gram matrix by power iteration with deflation, deterministic and dependency-free.
 * Returns each vector's coordinates and the share of variance each component explains.
 */
export interface PcaResult {
  points: number[][];
  explained: number[];
}

export function pca(vectors: ArrayLike<number>[], k = 2): PcaResult {
  const n = vectors.length;
  if (n === 0) return { points: [], explained: [] };
  const d = vectors[0].length;
  const mean = new Float64Array(d);
  for (const v of vectors) for (let j = 0; j < d; j++) mean[j] += v[j] / n;
  const centred = vectors.map((v) => Float64Array.from({ length: d }, (_, j) => v[j] - mean[j]));
  const gram = centred.map((a) => centred.map((b) => a.reduce((s, x, j) => s + x * b[j], 0)));
  const total = gram.reduce((s, row, i) => s + row[i], 0);
  const points = Array.from({ length: n }, () => new Array<number>(k).fill(0));
  const explained: number[] = [];
  for (let c = 0; c < k; c++) {
    let u = Float64Array.from({ length: n }, (_, i) => 1 + ((i * 7919) % 13) / 13);
    let lambda = 0;
    for (let iter = 0; iter < 500; iter++) {
      const next = new Float64Array(n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) next[i] += gram[i][j] * u[j];
      const norm = Math.hypot(...next);
      if (norm < 1e-12) break;
      for (let i = 0; i < n; i++) next[i] /= norm;
      const delta = next.reduce((s, x, i) => s + Math.abs(x - u[i]), 0);
      u = next;
      lambda = norm;
      if (delta < 1e-10) break;
    }
    // A fixed sign: the largest coordinate is positive.
    const big = u.reduce((best, x, i) => (Math.abs(x) > Math.abs(u[best]) ? i : best), 0);
    if (u[big] < 0) for (let i = 0; i < n; i++) u[i] = -u[i];
    const scale = Math.sqrt(Math.max(lambda, 0));
    for (let i = 0; i < n; i++) points[i][c] = u[i] * scale;
    explained.push(total > 0 ? lambda / total : 0);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) gram[i][j] -= lambda * u[i] * u[j];
  }
  return { points, explained };
}
