/**
 * Vectors to the plane by a named method (PCA, t-SNE or UMAP), with axis labels that say how the
 * picture was made (for t-SNE and UMAP the parameters that change it, seed included), so that a
 * reader of a plot (the notebooks' views.embeddings, or any other) can re-draw it.
 */
import { pca } from './pca.js';
import { tsne } from './tsne.js';
import { umap } from './umap.js';

export type ProjectionMethod = 'pca' | 'tsne' | 'umap';

export interface ProjectionOptions {
  method?: ProjectionMethod;
  /** t-SNE and UMAP: seed of the layout. Default 0 (the same picture on every run). */
  seed?: number;
  /** t-SNE: effective number of neighbours. Default 30 (capped for small sets). */
  perplexity?: number;
  /** t-SNE: gradient steps (default 1000); UMAP: epochs (default umap-js' choice). */
  iterations?: number;
  /** UMAP: neighbourhood size. Default 15. */
  neighbors?: number;
  /** UMAP: minimum distance between points in the plane. Default 0.1. */
  minDist?: number;
}

export interface PlaneProjection {
  points: number[][];
  xLabel: string;
  yLabel: string;
}

export const PROJECTION_METHODS: readonly ProjectionMethod[] = ['pca', 'tsne', 'umap'];

export function project(vectors: ArrayLike<number>[], options: ProjectionOptions = {}): PlaneProjection {
  const method = options.method ?? 'pca';
  const seed = options.seed ?? 0;
  switch (method) {
    case 'pca': {
      const { points, explained } = pca(vectors);
      const pct = (v: number) => `${(100 * v).toFixed(0)}%`;
      return { points, xLabel: `PC1 (${pct(explained[0])} of variance)`, yLabel: `PC2 (${pct(explained[1])} of variance)` };
    }
    case 'tsne': {
      const result = tsne(vectors, { perplexity: options.perplexity, iterations: options.iterations, seed });
      return { points: result.points, xLabel: `t-SNE 1 (perplexity ${+result.perplexity.toFixed(2)}, seed ${seed})`, yLabel: 't-SNE 2' };
    }
    case 'umap': {
      const result = umap(vectors, { neighbors: options.neighbors, minDist: options.minDist, epochs: options.iterations, seed });
      return { points: result.points, xLabel: `UMAP 1 (${result.neighbors} neighbours, min dist ${options.minDist ?? 0.1}, seed ${seed})`, yLabel: 'UMAP 2' };
    }
    default:
      throw new Error(`project: unknown method "${String(method)}"; use one of ${PROJECTION_METHODS.map((m) => `"${m}"`).join(', ')}`);
  }
}
