/**
 * t-SNE (van der Maaten & Hinton, 2008) with the exact gradient: O(n²) time and memory per
 * iteration, which is what a notebook needs for words in contexts (tens to a few hundred
 * points) and keeps the method readable next to the paper. No Barnes-Hut approximation.
 *
 * 1. For each point, a Gaussian over the others whose width is found by bisection so that its
 *    entropy matches log(perplexity): "how many neighbours does this point care about".
 * 2. Those conditionals are symmetrised into joint probabilities P.
 * 3. 2-D points start as a tiny seeded Gaussian cloud and move by gradient descent (momentum
 *    and per-coordinate gains, as in the reference implementation) so that the Student-t
 *    similarities Q in the plane match P. P is multiplied by `earlyExaggeration` for the first
 *    iterations, which pulls clusters tight before they arrange themselves.
 *
 * Everything random comes from `seed`, so the same inputs and seed give identical coordinates.
 */
import { Rng } from '@wb/core';

export interface TsneOptions {
  /** The effective number of neighbours (usually 5–50); capped at (n − 1) / 3 for small sets. Default 30. */
  perplexity?: number;
  /** Gradient steps. Default 1000. */
  iterations?: number;
  /** Factor on P during the first `exaggerationIterations` steps. Default 12. */
  earlyExaggeration?: number;
  /** Default 250. */
  exaggerationIterations?: number;
  /** Default: max(n / earlyExaggeration / 4, 50), scikit-learn's "auto". */
  learningRate?: number;
  /** Seed of the initial layout. Default 0. */
  seed?: number;
}

export interface TsneResult {
  points: number[][];
  /** The perplexity actually used (after the cap for small sets). */
  perplexity: number;
  /** KL(P‖Q) of the final layout: lower is a more faithful picture of the neighbourhoods. */
  klDivergence: number;
}

/** Past this the exact method takes minutes (n² pairs a step) and its n×n matrices get large. */
const TSNE_MAX_POINTS = 2000;

function squaredDistances(vectors: ArrayLike<number>[]): Float64Array {
  const n = vectors.length;
  const d = vectors[0].length;
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const a = vectors[i];
    for (let j = i + 1; j < n; j++) {
      const b = vectors[j];
      let s = 0;
      for (let k = 0; k < d; k++) {
        const diff = a[k] - b[k];
        s += diff * diff;
      }
      out[i * n + j] = s;
      out[j * n + i] = s;
    }
  }
  return out;
}

/**
 * Row i of the conditional P(j | i): a Gaussian whose precision `beta` is bisected until the
 * row's entropy is log(perplexity). Distances are shifted by the row's smallest one so that
 * exp() never underflows to an all-zero row, whatever the scale of the vectors.
 */
function conditionalRow(dist: Float64Array, n: number, i: number, perplexity: number, row: Float64Array): void {
  const target = Math.log(perplexity);
  let nearest = Infinity;
  let mean = 0;
  for (let j = 0; j < n; j++) {
    if (j === i) continue;
    nearest = Math.min(nearest, dist[i * n + j]);
    mean += dist[i * n + j] / (n - 1);
  }
  let beta = mean - nearest > 0 ? 1 / (mean - nearest) : 1;
  let lo = 0;
  let hi = Infinity;
  for (let attempt = 0; attempt < 200; attempt++) {
    let sum = 0;
    let weighted = 0;
    for (let j = 0; j < n; j++) {
      if (j === i) {
        row[j] = 0;
        continue;
      }
      const shifted = dist[i * n + j] - nearest;
      const p = Math.exp(-shifted * beta);
      row[j] = p;
      sum += p;
      weighted += shifted * p;
    }
    const entropy = Math.log(sum) + (beta * weighted) / sum;
    for (let j = 0; j < n; j++) row[j] /= sum;
    const gap = entropy - target;
    if (Math.abs(gap) < 1e-5) return;
    // Too flat (entropy too high): sharpen, i.e. raise beta; too peaked: lower it.
    if (gap > 0) {
      lo = beta;
      beta = hi === Infinity ? beta * 2 : (beta + hi) / 2;
    } else {
      hi = beta;
      beta = (beta + lo) / 2;
    }
  }
}

/** Symmetric joint probabilities P_ij = (P(j|i) + P(i|j)) / 2n, floored to avoid log(0). */
function jointProbabilities(vectors: ArrayLike<number>[], perplexity: number): Float64Array {
  const n = vectors.length;
  const dist = squaredDistances(vectors);
  const conditional = new Float64Array(n * n);
  for (let i = 0; i < n; i++) conditionalRow(dist, n, i, perplexity, conditional.subarray(i * n, (i + 1) * n));
  const joint = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i !== j) joint[i * n + j] = Math.max((conditional[i * n + j] + conditional[j * n + i]) / (2 * n), 1e-12);
    }
  }
  return joint;
}

export function tsne(vectors: ArrayLike<number>[], options: TsneOptions = {}): TsneResult {
  const n = vectors.length;
  if (n < 2) throw new Error(`t-SNE: needs at least two points, got ${n}`);
  if (n > TSNE_MAX_POINTS) throw new Error(`t-SNE: ${n} points is too many for the exact method (at most ${TSNE_MAX_POINTS}); use method "umap" or fewer points`);
  const requested = options.perplexity ?? 30;
  if (!(requested > 0)) throw new Error(`t-SNE: perplexity must be a positive number, got ${requested}`);
  // A point cannot have more effective neighbours than there are other points; (n − 1) / 3
  // is the usual cap (scikit-learn warns past it), and below 1 the entropy target is negative.
  const perplexity = Math.max(1, Math.min(requested, (n - 1) / 3));
  const iterations = options.iterations ?? 1000;
  const exaggeration = options.earlyExaggeration ?? 12;
  const exaggerationIterations = Math.min(options.exaggerationIterations ?? 250, iterations);
  const learningRate = options.learningRate ?? Math.max(n / exaggeration / 4, 50);
  const seed = options.seed ?? 0;
  if (!Number.isInteger(iterations) || iterations < 1) throw new Error(`t-SNE: iterations must be a positive integer, got ${iterations}`);
  if (!Number.isInteger(seed)) throw new Error(`t-SNE: seed must be an integer, got ${seed}`);

  const P = jointProbabilities(vectors, perplexity);
  const rng = new Rng(seed);
  const Y = Float64Array.from({ length: 2 * n }, () => rng.normal(1e-4));
  const update = new Float64Array(2 * n);
  const gains = new Float64Array(2 * n).fill(1);
  const grad = new Float64Array(2 * n);
  /** 1 / (1 + |y_i − y_j|²): the unnormalised Student-t similarity in the plane. */
  const num = new Float64Array(n * n);

  for (let iter = 0; iter < iterations; iter++) {
    const early = iter < exaggerationIterations;
    const factor = early ? exaggeration : 1;
    const momentum = early ? 0.5 : 0.8;
    let sumQ = 0;
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const dx = Y[2 * i] - Y[2 * j];
        const dy = Y[2 * i + 1] - Y[2 * j + 1];
        const q = 1 / (1 + dx * dx + dy * dy);
        num[i * n + j] = q;
        num[j * n + i] = q;
        sumQ += 2 * q;
      }
    }
    // dC/dy_i = 4 Σ_j (P_ij − Q_ij) (y_i − y_j) / (1 + |y_i − y_j|²)
    grad.fill(0);
    for (let i = 0; i < n; i++) {
      let gx = 0;
      let gy = 0;
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        const q = num[i * n + j];
        const force = (factor * P[i * n + j] - q / sumQ) * q;
        gx += force * (Y[2 * i] - Y[2 * j]);
        gy += force * (Y[2 * i + 1] - Y[2 * j + 1]);
      }
      grad[2 * i] = 4 * gx;
      grad[2 * i + 1] = 4 * gy;
    }
    // Per-coordinate gains: speed up while the gradient keeps its direction, slow down when it flips.
    for (let k = 0; k < 2 * n; k++) {
      const sameDirection = grad[k] > 0 === update[k] > 0;
      gains[k] = Math.max(sameDirection ? gains[k] * 0.8 : gains[k] + 0.2, 0.01);
      update[k] = momentum * update[k] - learningRate * gains[k] * grad[k];
      Y[k] += update[k];
    }
    // Only distances matter: keep the layout centred so that it does not drift.
    let cx = 0;
    let cy = 0;
    for (let i = 0; i < n; i++) {
      cx += Y[2 * i] / n;
      cy += Y[2 * i + 1] / n;
    }
    for (let i = 0; i < n; i++) {
      Y[2 * i] -= cx;
      Y[2 * i + 1] -= cy;
    }
  }

  return { points: Array.from({ length: n }, (_, i) => [Y[2 * i], Y[2 * i + 1]]), perplexity, klDivergence: klDivergence(P, Y, n) };
}

function klDivergence(P: Float64Array, Y: Float64Array, n: number): number {
  let sumQ = 0;
  const num = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      const dx = Y[2 * i] - Y[2 * j];
      const dy = Y[2 * i + 1] - Y[2 * j + 1];
      num[i * n + j] = 1 / (1 + dx * dx + dy * dy);
      sumQ += num[i * n + j];
    }
  }
  let kl = 0;
  for (let k = 0; k < n * n; k++) if (P[k] > 0) kl += P[k] * Math.log(P[k] / Math.max(num[k] / sumQ, 1e-12));
  return kl;
}
