/**
 * UMAP (McInnes, Healy & Melville, 2018) through `umap-js`, the PAIR-code port of the Python
 * reference. Its nearest-neighbour search, initial layout and negative sampling all draw from
 * the `random` option, which we seed: without it umap-js uses Math.random and a notebook
 * re-run would draw a different picture.
 */
import { UMAP } from 'umap-js';
import { Rng } from '@wb/core';

export interface UmapOptions {
  /** Size of the local neighbourhood (larger keeps more global structure). Default 15, capped at n − 1. */
  neighbors?: number;
  /** How tightly points may pack together in the plane (0–1). Default 0.1. */
  minDist?: number;
  /** Optimisation epochs. Default: umap-js' own choice (500 for small sets). */
  epochs?: number;
  /** Default 0. */
  seed?: number;
}

export interface UmapResult {
  points: number[][];
  /** The neighbourhood size actually used. */
  neighbors: number;
}

export function umap(vectors: ArrayLike<number>[], options: UmapOptions = {}): UmapResult {
  const n = vectors.length;
  // With two points there is no neighbourhood graph to speak of; umap-js fails obscurely.
  if (n < 3) throw new Error(`UMAP: needs at least three points, got ${n}`);
  const requested = options.neighbors ?? 15;
  if (!Number.isInteger(requested) || requested < 2) throw new Error(`UMAP: neighbors must be an integer of at least 2, got ${requested}`);
  const minDist = options.minDist ?? 0.1;
  if (!(minDist >= 0 && minDist <= 1)) throw new Error(`UMAP: minDist must be between 0 and 1, got ${minDist}`);
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed)) throw new Error(`UMAP: seed must be an integer, got ${seed}`);
  if (options.epochs !== undefined && !(Number.isInteger(options.epochs) && options.epochs > 0)) {
    throw new Error(`UMAP: epochs must be a positive integer, got ${options.epochs}`);
  }
  // umap-js needs strictly more points than neighbours.
  const neighbors = Math.min(requested, n - 1);
  const model = new UMAP({ nComponents: 2, nNeighbors: neighbors, minDist, nEpochs: options.epochs, random: new Rng(seed).uniformSource() });
  const points = model.fit(vectors.map((v) => Array.from(v)));
  return { points, neighbors };
}
