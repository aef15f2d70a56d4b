/**
 * Seeded pseudo-random numbers, so that anything random in a notebook (`seed(n)`, t-SNE and
 * UMAP layouts) gives the same result on every re-run.
 */
import { Rng } from '@wb/core';

/** Uniform in [0, 1), from core's seeded `Rng` (mulberry32), so kernels and training draw alike. */
export function seededRandom(seed: number): () => number {
  const rng = new Rng(seed);
  return () => rng.next();
}

/** Standard normal samples from a uniform source (Box–Muller). */
export function gaussian(random: () => number): () => number {
  return () => {
    const u = 1 - random(); // in (0, 1]: log(u) is finite
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  };
}
